"""Reports and interchange: the cohort report as HTML (with an SVG flow diagram), CSV and JSON,
and playthroughs as xAPI statements for a Learning Record Store."""
