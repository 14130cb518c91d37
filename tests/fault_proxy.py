"""A TCP proxy on 127.0.0.1 in front of the test PostgreSQL that a test can break, to play a
database restart without touching the real cluster (others use it).

``down()`` drops every connection and refuses new ones (the port is closed, as while the
server restarts); ``up()`` listens again on the same port. ``lose_next_commit()`` forwards the
next COMMIT to the server, then drops the connection before the answer comes back: the
transaction is committed but the client cannot know (an ambiguous commit).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time

UPSTREAM = ("127.0.0.1", 5432)


class _Pair:
    def __init__(self, client: socket.socket, server: socket.socket) -> None:
        self.client, self.server = client, server
        self.muted = False  # the server's answers are dropped (the commit trap fired)

    def close(self) -> None:
        for sock in (self.client, self.server):
            with contextlib.suppress(OSError):  # shutdown wakes pumps blocked in recv
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


class FaultProxy:
    def __init__(self, upstream: tuple[str, int] = UPSTREAM) -> None:
        self.upstream = upstream
        self._lock = threading.Lock()
        self._pairs: set[_Pair] = set()
        self._trap = threading.Event()
        self.connections = self.lost_commits = 0
        self._listener: socket.socket | None = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._serve()

    def url(self, schema: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/test?schema={schema}"

    # -- faults ---------------------------------------------------------------------------

    def down(self) -> None:
        """Cut every connection and refuse new ones."""
        listener, self._listener = self._listener, None
        if listener is not None:
            with contextlib.suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        with self._lock:
            pairs, self._pairs = self._pairs, set()
        for pair in pairs:
            pair.close()

    def up(self) -> None:
        if self._listener is None:
            self._listener = socket.create_server(("127.0.0.1", self.port))
            self._serve()

    def down_for(self, seconds: float) -> threading.Timer:
        self.down()
        timer = threading.Timer(seconds, self.up)
        timer.start()
        return timer

    def lose_next_commit(self) -> None:
        self._trap.set()

    def close(self) -> None:
        self.down()

    # -- plumbing -------------------------------------------------------------------------

    def _serve(self) -> None:
        listener = self._listener
        assert listener is not None
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            pair = _Pair(client, server)
            with self._lock:
                self._pairs.add(pair)
                self.connections += 1
            threading.Thread(target=self._pump, args=(pair, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(pair, False), daemon=True).start()

    def _pump(self, pair: _Pair, from_client: bool) -> None:
        src, dst = (pair.client, pair.server) if from_client else (pair.server, pair.client)
        try:
            while data := src.recv(65536):
                if from_client and b"COMMIT" in data and self._trap.is_set():
                    self._trap.clear()
                    pair.muted = True
                    dst.sendall(data)
                    time.sleep(0.3)  # the server commits; its answer is dropped
                    with self._lock:
                        self.lost_commits += 1
                    break
                if not pair.muted:
                    dst.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._pairs.discard(pair)
        pair.close()
