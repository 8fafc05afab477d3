"""Pure checks that flag problems with the studies a policy cites."""
