#!/usr/bin/env python3
"""A minimal OpenAI-compatible server for benchmarks (not for tests: the Rust tests
have their own fake). Answers every POST .../chat/completions with the content of the
JSON file given as REPLY and reports prompt tokens as characters / 4, the same
estimate docs/measurements.md uses. Prints its port on stdout, then serves until killed.

    fake_llm.py PORT REPLY [--needles FILE] [--first FILE] [--record DIR]

--needles  a JSON list of strings: REPLY only when the request's messages hold every
           one of them, otherwise a reply proposing no edits (a model shown the wrong
           code finds nothing to fix).
--first    the content of the answer to the first request, whatever it holds (a
           retry scenario: a first reply with no edits that asks for more code).
--record   writes each request's messages, joined, to DIR/request-N.txt (N from 1).
"""
import argparse
import json
import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("reply")
ap.add_argument("--needles")
ap.add_argument("--first")
ap.add_argument("--record")
args = ap.parse_args()

needles = json.load(open(args.needles)) if args.needles else None
NO_EDITS = json.dumps({"diagnosis": "nothing in the code shown explains the failure", "edits": []})
count = 0
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        global count
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        req = json.loads(body or b"{}")
        text = "\n".join(m.get("content") or "" for m in req.get("messages", []))
        with lock:
            count += 1
            n = count
        if args.record:
            with open(os.path.join(args.record, f"request-{n}.txt"), "w", encoding="utf-8") as f:
                f.write(text)
        if n == 1 and args.first:
            with open(args.first) as f:
                content = f.read()
        elif needles is not None and not all(s in text for s in needles):
            content = NO_EDITS
        else:
            with open(args.reply) as f:
                content = f.read()
        prompt_chars = sum(len(m.get("content") or "") for m in req.get("messages", []))
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


server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
