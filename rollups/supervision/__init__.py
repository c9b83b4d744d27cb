"""督办: escalation of overdue and lagging items, leaders' 批示, the 序时进度 settings page."""
