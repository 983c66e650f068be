"""A minimal WebSocket client (RFC 6455: text frames, masking, ping, close) over TLS, enough
for assist's signalling in tests and the synthetic participant."""

import base64
import os
import socket
import ssl
import struct
import threading
import urllib.parse


class WebSocket:
    """A minimal RFC 6455 client: text frames, masking, close; enough for signalling."""

    def __init__(self, url, ca_file, headers=None):
        parts = urllib.parse.urlsplit(url)
        context = ssl.create_default_context(cafile=ca_file) if ca_file else ssl.create_default_context()
        raw = socket.create_connection((parts.hostname, parts.port or 443), timeout=30)
        self.sock = context.wrap_socket(raw, server_hostname=parts.hostname)
        key = base64.b64encode(os.urandom(16)).decode()
        extra = "".join("%s: %s\r\n" % item for item in (headers or {}).items())
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n%s\r\n"
                           % (parts.path or "/", parts.netloc, key, extra)).encode())
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("the server closed the connection during the upgrade")
            response += chunk
        head, self.pending = response.split(b"\r\n\r\n", 1)
        if not head.startswith(b"HTTP/1.1 101"):
            raise ConnectionError("upgrade refused: " + head.split(b"\r\n")[0].decode())
        self.sock.settimeout(None)
        self.lock = threading.Lock()

    def send(self, text):
        payload = text.encode()
        header = bytes([0x81])
        n = len(payload)
        if n < 126:
            header += bytes([0x80 | n])
        elif n < 65536:
            header += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            header += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        with self.lock:
            self.sock.sendall(header + mask + masked)

    def _read(self, n):
        while len(self.pending) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.pending += chunk
        data, self.pending = self.pending[:n], self.pending[n:]
        return data

    def receive(self):
        """The next text message, or None when the server closed the connection."""
        message = b""
        while True:
            try:
                first, second = self._read(2)
                n = second & 0x7F
                if n == 126:
                    n = struct.unpack("!H", self._read(2))[0]
                elif n == 127:
                    n = struct.unpack("!Q", self._read(8))[0]
                payload = self._read(n)
            except (ConnectionError, OSError, ssl.SSLError):
                return None
            opcode = first & 0x0F
            if opcode == 0x8:
                return None
            if opcode == 0x9:  # ping → pong
                with self.lock:
                    self.sock.sendall(bytes([0x8A, 0x80 | len(payload)]) + b"\0\0\0\0" + payload)
                continue
            message += payload
            if first & 0x80:
                return message.decode()

    def close(self):
        try:
            with self.lock:
                self.sock.sendall(bytes([0x88, 0x80]) + b"\0\0\0\0")
            self.sock.close()
        except OSError:
            pass
