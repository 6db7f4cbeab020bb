#!/usr/bin/env python3
"""A minimal OpenAI-compatible server for benchmarks (not for tests: the Rust tests
have their own fake). Answers every POST .../chat/completions with the edits in the
JSON file given as argv[2] and reports prompt tokens as characters / 4, the same
estimate docs/measurements.md uses. Prints its port on stdout, then serves until killed."""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

reply_file = sys.argv[2]


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        req = json.loads(body or b"{}")
        prompt_chars = sum(len(m.get("content") or "") for m in req.get("messages", []))
        with open(reply_file) as f:
            content = f.read()
        out = json.dumps({
            "id": "bench", "object": "chat.completion", "created": 0, "model": req.get("model", "x"),
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": prompt_chars // 4, "completion_tokens": len(content) // 4,
                      "total_tokens": (prompt_chars + len(content)) // 4},
        }).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
