"""Talking to a cohort server: the HTTP client (:mod:`.client`), the saved login
(:mod:`.login`), the player's record through the server (:mod:`.server_bank`) and the read-only
copy of what the server lets a caller see, for the analytics commands (:mod:`.mirror`)."""
