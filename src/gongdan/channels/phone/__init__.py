"""Phone calls logged by staff: the caller's number → contact → new ticket or a comment."""
