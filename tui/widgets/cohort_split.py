"""The cohort view's widgets: one scene's split drawn as bars, and two paths side by side.

Every piece of learner or author text goes in as literal text (``Content``/``assemble``), never
as markup.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from crossroads.engine.cohort import LearnerPath, SceneSplit
from crossroads.engine.model import Story
from crossroads.engine.playable import PlayStory
from crossroads.tui.fill import fill
from crossroads.tui.i18n import _, ngettext

BAR = 20
YOU = "◆"
MATE = "○"


def bar(share: float, width: int = BAR) -> tuple[str, str]:
    """The filled and empty parts of a bar for a share (0–1)."""
    filled = round(max(0.0, min(1.0, share)) * width)
    if share > 0 and filled == 0:
        filled = 1
    return "█" * filled, "░" * (width - filled)


def split_content(split: SceneSplit, min_group: int, mine: str | None = None,
                  mate: str | None = None, mate_name: str = "", parted: bool = False
                  ) -> Content:
    """One scene: its title and group size, then a bar per choice; the learner's own choice
    (``mine``: a choice key) and a cohort-mate's are marked, and ``parted`` notes that the two
    parted here."""
    learners = ngettext("{n} learner", "{n} learners", split.learners).format(n=split.learners)
    head: list[str | Content | tuple[str, str]] = [
        (split.title, "bold"), (f"  · {learners}", "dim")]
    if parted:
        warn = "bold $warning"
        head.append(fill("   » " + _("you and {name} parted here"), warn, name=(mate_name, warn)))
    lines: list[Content] = [Content.assemble(*head)]
    labels = {c.key: c.label for c in split.choices}
    if split.withheld:
        lines.append(fill("  " + _("split withheld: fewer than {n} learners chose here"),
                          "dim italic", n=(str(min_group), "dim italic")))
        for key, who, mark in ((mine, _("you"), YOU), (mate, mate_name, MATE)):
            if key is not None:
                lines.append(Content.assemble(
                    f"  {mark} ", (who, "bold"), ": ", labels.get(key, key)))
        return Content("\n").join(lines)
    for c in split.choices:
        share = c.share or 0.0
        full, empty = bar(share)
        you = c.key == mine
        theirs = mate is not None and c.key == mate
        lines.append(Content.assemble(
            "  ", (full, "$accent" if you else "$primary"), (empty, "dim"),
            f" {share * 100:3.0f}% {c.count or 0:>3} ",
            (YOU if you else " ", "bold $accent"), (MATE if theirs else " ", "bold $secondary"),
            " ", (c.label, "bold" if you else ""),
        ))
    return Content("\n").join(lines)


class SplitView(Static):
    """One scene's split; re-rendered when the compared cohort-mate changes."""

    DEFAULT_CSS = """
    SplitView { padding: 0 1 1 1; height: auto; }
    SplitView.-parted { background: $warning 10%; }
    """

    def __init__(self, split: SceneSplit, min_group: int, mine: str | None) -> None:
        super().__init__(split_content(split, min_group, mine), classes="cohort-split")
        self.split = split
        self.min_group = min_group
        self.mine = mine

    def compare(self, mate: str | None, mate_name: str, parted: bool) -> None:
        """Mark a cohort-mate's choice here (None: no mate compared)."""
        self.set_class(parted, "-parted")
        self.update(split_content(self.split, self.min_group, self.mine, mate, mate_name,
                                  parted))


def step_lines(story: Story | PlayStory, path: LearnerPath, labels: dict[tuple[str, str], str]
               ) -> list[tuple[Content, Content]]:
    """Two lines per choice of a path (the scene's title, then the choice), then the ending."""
    out = []
    for scene, key in path.steps:
        found = story.scenes.get(scene)
        title = (found.title if found is not None else "") or scene
        out.append((Content.styled(title, "dim"), Content(labels.get((scene, key), key))))
    ending = story.scenes.get(path.ending or "")
    if ending is not None and ending.ending is not None:
        out.append((Content.styled(_("ending"), "dim"),
                    Content.styled(ending.ending.title, "bold")))
    elif path.status != "finished":
        out.append((Content.styled(_("not finished"), "dim"), Content("")))
    return out


class PathColumn(Static):
    """A path as a column of steps (one line each for scene and choice, cut to the width so two
    columns stay aligned); the step where two paths part is marked."""

    DEFAULT_CSS = """
    PathColumn { width: 1fr; height: auto; padding: 0 1; text-wrap: nowrap;
                 text-overflow: ellipsis; }
    """

    def show(self, heading: str, steps: list[tuple[Content, Content]],
             parted_at: int | None) -> None:
        """Show the path under a heading; ``parted_at`` is the step index to mark."""
        body: list[Content] = [Content.styled(heading, "bold underline")]
        for i, (scene, choice) in enumerate(steps):
            body.append(scene)
            if i == parted_at:
                body.append(Content.assemble(("» ", "bold $warning"), choice.stylize("bold")))
            else:
                body.append(Content.assemble("  ", choice))
        self.update(Content("\n").join(body))
