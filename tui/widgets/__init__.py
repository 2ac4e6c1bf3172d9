"""Widgets of the player: the point-of-view banner, the meters panel, the choice list."""
