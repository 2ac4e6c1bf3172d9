"""Reports and interchange: the cohort report as HTML (with an SVG flow diagram), CSV and JSON,
the printable debrief guide (HTML, Markdown), and playthroughs as xAPI statements for a Learning
Record Store."""
