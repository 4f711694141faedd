"""A Server-Sent Events client for the tests: an open text/event-stream
response read on a thread into a queue of events."""
import queue
import socket
import threading
import time

import requests


class EventStream:
    """An open text/event-stream response, read on a thread into a queue of
    (event, id, data) tuples; None when the stream ends.  Comments (": keep-alive")
    go to `comments` as (time.monotonic(), text).  `verify`: as requests takes it
    (the CA file of a TLS server)."""

    def __init__(self, url, headers, params=None, verify=True):
        self.response = requests.get(url, params=params, stream=True, timeout=30, verify=verify,
                                     headers=dict(headers, Accept="text/event-stream"))
        self.events = queue.Queue()
        self.comments = []
        self.complete = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        event, event_id, data = "message", None, []
        try:
            for line in self.response.iter_lines(decode_unicode=False):
                if line == b"":
                    if data:
                        self.events.put((event, event_id, b"\n".join(data)))
                    event, event_id, data = "message", None, []
                elif line.startswith(b":"):
                    self.comments.append((time.monotonic(), line.decode(errors="replace")))
                else:
                    field, _, value = line.partition(b":")
                    value = value[1:] if value.startswith(b" ") else value
                    if field == b"event":
                        event = value.decode()
                    elif field == b"id":
                        event_id = value.decode()
                    elif field == b"data":
                        data.append(value)
            self.complete = True
        except Exception:  # cut short, or closed by close() while reading
            self.complete = False
        self.events.put(None)

    def next(self, timeout=5):
        return self.events.get(timeout=timeout)

    def quiet_for(self, seconds):
        """True if no event arrives within `seconds`."""
        try:
            item = self.events.get(timeout=seconds)
        except queue.Empty:
            return True
        self.events.put(item)
        return False

    def close(self):
        # Shut the socket first: the reading thread may be blocked in recv(), and
        # response.close() would wait for it (until the next keep-alive comment).
        try:
            self.response.raw._fp.fp.raw._sock.shutdown(socket.SHUT_RDWR)
        except (AttributeError, OSError):
            pass
        self.response.close()
