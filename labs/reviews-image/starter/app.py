"""The Bookstore reviews service: readers' reviews of the catalog's books.

Standard library only, so the image needs no packages from an index. It
answers GET /readyz once it can serve, GET /reviews with every review and
GET /reviews?book=<id> with one book's. On SIGTERM it stops taking new
connections, lets the requests in flight finish, and exits 0.
"""

import json
import logging
import os
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

PORT = int(os.environ.get("PORT", "9090"))

REVIEWS = [
    {"book": "9780134190440", "stars": 5, "text": "The chapter on interfaces finally made it click."},
    {"book": "9780134190440", "stars": 4, "text": "Dense, but every example runs."},
    {"book": "9781491927281", "stars": 4, "text": "A clear tour of namespaces and cgroups."},
]

logging.basicConfig(level=logging.INFO, format="reviews: %(message)s", stream=sys.stdout)
log = logging.getLogger("reviews")


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urlparse(self.path)
        if url.path == "/readyz":
            self.reply(200, {"status": "ready"})
        elif url.path == "/reviews":
            book = parse_qs(url.query).get("book", [None])[0]
            self.reply(200, [r for r in REVIEWS if book is None or r["book"] == book])
        else:
            self.reply(404, {"error": "not found"})

    def reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, fmt, *args):
        log.info("%s %s", self.command, self.path)


def main():
    server = ThreadingHTTPServer(("", PORT), Handler)
    # Threads that serve requests are waited for on shutdown: that is the drain.
    server.daemon_threads = False

    def on_term(signum, _frame):
        log.info("got %s, draining", signal.Signals(signum).name)
        # shutdown() blocks until serve_forever returns, so it cannot run on the serving thread.
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    log.info("listening on :%d", PORT)
    server.serve_forever()
    server.server_close()
    log.info("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
