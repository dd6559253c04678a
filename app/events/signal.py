"""In-process wake-up: a command's runner calls `committed()` after a commit that emitted
events; the hubs of this process (one per app) read the outbox then."""

from __future__ import annotations

from collections.abc import Callable

_listeners: list[Callable[[], None]] = []


def subscribe(listener: Callable[[], None]) -> Callable[[], None]:
    _listeners.append(listener)

    def unsubscribe() -> None:
        if listener in _listeners:
            _listeners.remove(listener)

    return unsubscribe


def committed() -> None:
    for listener in list(_listeners):
        listener()
