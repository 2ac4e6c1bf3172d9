"""Screens of the player: picker, play, reflection, check-in, ending, help and small dialogs."""
