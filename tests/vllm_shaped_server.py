"""An HTTP server on 127.0.0.1 that answers ``/v1/completions`` in vLLM's response shape, computed by a
real transformers model: no machine here has the GPU vLLM needs, and llama.cpp's servers shape their
echo differently (llama-cpp-python drops the BOS token from it).

What it copies from vLLM (``serving_completion``'s log-probs): ``/v1/models`` says ``owned_by: vllm``;
an echo lists every prompt token, the BOS token first as its text with log-prob null, then the
generated tokens; ``text_offset`` is the running sum of the token strings' lengths from 0, so it counts
the BOS text that the returned ``text`` (prompt + completion) does not contain; each token string is
that token decoded on its own, with ``clean_up_tokenization_spaces`` as Llama-3.1's tokenizer asks
(``" !="`` becomes ``"!="``), while ``text`` is decoded whole without it; an empty prompt is the BOS
token alone. Generation is greedy. Every request body is kept in ``requests``.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# transformers' clean_up_tokenization replacements (what decode(..., clean_up_tokenization_spaces=True) does)
_CLEAN_UP = [
    (" .", "."),
    (" ?", "?"),
    (" !", "!"),
    (" ,", ","),
    (" ' ", "'"),
    (" n't", "n't"),
    (" 'm", "'m"),
    (" 's", "'s"),
    (" 've", "'ve"),
    (" 're", "'re"),
]


def clean_up(text: str) -> str:
    for old, new in _CLEAN_UP:
        text = text.replace(old, new)
    return text


class VLLMShapedServer:
    def __init__(self, model, tokenizer, name: str = "vllm-shaped"):
        self.model, self.tokenizer, self.name = model, tokenizer, name
        self.requests: list[dict] = []
        self._lock = threading.Lock()  # one forward pass at a time on the shared model
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._http.daemon_threads = True
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._http.server_address[1]}/v1"

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def complete(self, body: dict) -> dict:
        import torch

        prompt, max_tokens = body["prompt"], int(body.get("max_tokens") or 16)
        ids = list(self.tokenizer(prompt).input_ids)  # the tokenizer's BOS included
        with self._lock, torch.no_grad():
            logprobs = torch.log_softmax(self.model(torch.tensor([ids])).logits[0].float(), dim=-1)
            prompt_values = [None] + [logprobs[j - 1, ids[j]].item() for j in range(1, len(ids))]
            generated, values = [], []
            for _ in range(max_tokens):
                next_id = int(logprobs[-1].argmax())
                generated.append(next_id)
                values.append(logprobs[-1, next_id].item())
                if next_id == self.tokenizer.eos_token_id:
                    break
                logprobs = torch.log_softmax(self.model(torch.tensor([ids + generated])).logits[0].float(), dim=-1)
        text = self.tokenizer.decode(generated, skip_special_tokens=True, clean_up_tokenization_spaces=False)
        shown = (ids if body.get("echo") else []) + generated
        shown_values = (prompt_values if body.get("echo") else []) + values
        tokens = [clean_up(self.tokenizer.decode([i])) for i in shown]
        offsets = [sum(len(t) for t in tokens[:k]) for k in range(len(tokens))]
        logprobs_field = None
        if body.get("logprobs") is not None:
            logprobs_field = {
                "tokens": tokens,
                "token_logprobs": shown_values,
                "text_offset": offsets,
                "top_logprobs": [None if v is None else {t: v} for t, v in zip(tokens, shown_values)],
            }
        return {
            "id": "cmpl-shaped",
            "object": "text_completion",
            "created": 0,
            "model": body.get("model"),
            "choices": [
                {
                    "index": 0,
                    "text": (prompt if body.get("echo") else "") + text,
                    "logprobs": logprobs_field,
                    "finish_reason": "length",
                }
            ],
            "usage": {
                "prompt_tokens": len(ids),
                "completion_tokens": len(generated),
                "total_tokens": len(ids) + len(generated),
            },
        }

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _send(self, code: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    self._send(
                        200, {"object": "list", "data": [{"id": server.name, "object": "model", "owned_by": "vllm"}]}
                    )
                else:
                    self._send(404, {"error": {"message": "not found"}})

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                if self.path.rstrip("/") != "/v1/completions":
                    self._send(404, {"error": {"message": "not found"}})
                    return
                server.requests.append(body)
                self._send(200, server.complete(body))

        return Handler
