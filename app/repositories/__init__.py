"""SQL only: functions `(session, *, ...) -> rows`, batched by key."""
