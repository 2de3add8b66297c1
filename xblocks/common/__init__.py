"""What two or more blocks really share: time codes, chapter rules, JSON handlers, templates, users."""
