"""One request in a daemon thread, its answer (or error) in a Future.

Not a ThreadPoolExecutor: its threads are joined at exit, so Ctrl-C during a slow request or
a 503 backoff would wait for them (38 s seen). Resolve and the watch both keep requests in
flight this way while they parse and store the previous answer.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TypeVar

T = TypeVar("T")


def in_background(fn: Callable[[], T], name: str) -> Future[T]:
    future: Future[T] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(fn())
        except BaseException as exc:  # handed to the waiting thread
            future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future
