"""Writing a large form body: base64, escaping and SHA-256 without a full-size intermediate.

A 10 MB ``SendRawEmail`` is 14 MB of escaped base64 on the wire. Made the plain way (base64 of
the whole message, then a ``str`` of it, then the escaped body, then its hash) it costs three
fresh 14 MB buffers, and on a virtual machine the page faults of fresh memory cost as much as
the work itself. Here the message is read in slices (:data:`_SLICE` bytes, a multiple of 3 so
that no slice but the last has base64 padding); each slice is base64-encoded and escaped while
it is in the cache and appended to one growing buffer (``io.BytesIO``, whose ``getvalue()``
hands over its buffer without a copy), so the body is the only large allocation.

The payload hash that SigV4 signs (IAM-SIGV4: ``Hex(SHA256(RequestPayload))``) is computed in
a second thread from about 1 MiB groups of finished output, while the main thread escapes the
next slices: ``hashlib`` releases the GIL while it hashes, and each hand-over blocks the main
thread for a moment so that the hashing thread gets the GIL at once instead of after the
interpreter's switch interval (5 ms). The threads share nothing but the handed-over bytes;
the result is the same as ``hashlib.sha256(body).hexdigest()``, which a test checks. Where a
thread cannot be started, the hash is computed in the calling thread.
"""

from __future__ import annotations

import binascii
import hashlib
import io
import queue
import threading

from sesspec._shapes import BodyPairs
from sesspec.encoding import FormStyle

__all__ = ["write_form"]

#: Raw bytes per base64 slice: 48 KiB in, 64 KiB out (before escaping).
_SLICE = 3 << 14
#: Output handed to the hashing thread at a time.
_GROUP = 1 << 20
#: Bodies smaller than this are hashed by the caller afterwards (a thread costs ~0.1 ms).
_THREADED = 1 << 21


class _Hasher:
    """SHA-256 of the buffers given to :meth:`feed`, in order, computed in a second thread."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._taken = threading.Lock()
        self._taken.acquire()
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="sesspec-sha256", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        get, taken, update = self._queue.get, self._taken.release, self._hash.update
        while (buf := get()) is not None:
            taken()
            try:
                update(buf)
            except BaseException as exc:  # handed to the caller by hexdigest()
                self._error = exc

    def feed(self, buf: bytes) -> None:
        self._queue.put(buf)
        self._taken.acquire()  # blocks (GIL released) until the thread has the buffer

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()

    def hexdigest(self) -> str:
        self.close()
        if self._error is not None:
            raise self._error
        return self._hash.hexdigest()


class _Sink:
    """The growing body, and the hashing thread fed with groups of it."""

    def __init__(self, *, hasher: _Hasher | None) -> None:
        self._out = io.BytesIO()
        self._hasher = hasher
        self._group: list[bytes] = []
        self._size = 0

    def write(self, part: bytes) -> None:
        if self._hasher is None:
            self._out.write(part)
            return
        self._group.append(part)
        self._size += len(part)
        if self._size >= _GROUP:
            self._flush(self._hasher)

    def _flush(self, hasher: _Hasher) -> None:
        group = b"".join(self._group)
        self._out.write(group)
        hasher.feed(group)
        self._group.clear()
        self._size = 0

    def finish(self) -> tuple[bytes, str | None]:
        if self._hasher is None:
            return self._out.getvalue(), None
        self._flush(self._hasher)
        return self._out.getvalue(), self._hasher.hexdigest()


def _base64_slices(data: bytes, style: FormStyle, sink: _Sink) -> None:
    """Base64 of ``data`` (RFC 4648, padded), escaped in ``style``, written slice by slice."""
    view = memoryview(data)
    b2a = binascii.b2a_base64
    escape = style.quote_bytes
    # '+' and '/' are in every slice; '=' (padding) only in the last, which takes the general
    # escaper. (No style keeps '+' or '/': in a form both must be escaped, docs/spec.md#enc-plus.)
    plus, slash = escape(b"+"), escape(b"/")
    last = len(data) - _SLICE
    write = sink.write
    for start in range(0, len(data), _SLICE):
        chunk = b2a(view[start : start + _SLICE], newline=False)
        if start < last:
            write(chunk.replace(b"+", plus).replace(b"/", slash))
        else:
            write(escape(chunk))


def write_form(pairs: BodyPairs, style: FormStyle, *, sha256: bool) -> tuple[bytes, str | None]:
    """The form body of ``pairs`` in ``style`` and, when ``sha256``, its hex SHA-256 (else
    None). Equal to ``style.encode_pairs`` of the same pairs with the blobs base64-encoded."""
    blobs = pairs.blobs
    if not blobs:
        body = style.encode_pairs(pairs)
        return body, (hashlib.sha256(body).hexdigest() if sha256 else None)
    threaded = sha256 and sum(len(b) for b in blobs.values()) * 4 // 3 >= _THREADED
    hasher: _Hasher | None = None
    if threaded:
        try:
            hasher = _Hasher()
        except RuntimeError:  # no threads here: hash afterwards
            hasher = None
    sink = _Sink(hasher=hasher)
    try:
        start = 0
        sep = b""
        for index in sorted(blobs):
            if start < index:
                sink.write(sep + style.encode_pairs(pairs[start:index]))
                sep = b"&"
            sink.write(sep + style.quote_bytes(pairs[index][0]) + b"=")
            sep = b"&"
            _base64_slices(blobs[index], style, sink)
            start = index + 1
        if start < len(pairs):
            sink.write(sep + style.encode_pairs(pairs[start:]))
    except BaseException:
        if hasher is not None:
            hasher.close()  # the thread must not wait for more
        raise
    body, digest = sink.finish()
    if sha256 and digest is None:
        digest = hashlib.sha256(body).hexdigest()
    return body, digest
