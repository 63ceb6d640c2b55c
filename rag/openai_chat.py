"""OpenAI-style messages -> the reply's text deltas, streamed from any OpenAI-compatible endpoint.

`OpenAIChat` posts to `/v1/chat/completions` (llama.cpp's server, Ollama, vLLM, a hosted API) and
reads the server-sent events through httpx, imported only when a reply is streamed. The wire
format lives here too: `_request` builds the body and `_Chunks` reads the streamed chunks, which
llama.cpp in this process (`rag.llama`) speaks as well; `_one_line` fits any message in an LLMError.
"""

from __future__ import annotations

import json
import re
import time
from typing import Iterator

from .errors import ConfigError, LLMError

_ERROR_CHARS = 240  # longest server message quoted in an error


def _one_line(text: object, limit: int = _ERROR_CHARS) -> str:
    """Any text as one short line (server messages can hold newlines, HTML, whole tracebacks)."""
    line = re.sub(r"\s+", " ", str(text)).strip()
    return line if len(line) <= limit else line[: limit - 3] + "..."


def _request(messages: list[dict], max_tokens: int, temperature: float, model: str = "") -> dict:
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise LLMError("messages must be a list of {'role': ..., 'content': ...} dicts")
    if not isinstance(max_tokens, int) or max_tokens < 1:
        raise LLMError(f"max_tokens must be at least 1, not {max_tokens}")
    body = {
        "messages": messages,
        "max_tokens": int(max_tokens),
        "temperature": float(temperature),
        "stream": True,
    }
    if model:
        body["model"] = model
    return body


def _error_text(payload: object) -> str:
    """The message inside an OpenAI-style error body ({"error": {"message": ...}}), else the body."""
    if isinstance(payload, dict):
        err = payload.get("error", payload)
        if isinstance(err, dict):
            return _one_line(err.get("message") or err.get("type") or err)
        return _one_line(err)
    return _one_line(payload)


class _Chunks:
    """Turns the JSON of each streamed chunk into text deltas; knows when the reply is complete."""

    def __init__(self, source: str):
        self.source = source
        self.finished = False
        self.timings: dict | None = None  # llama.cpp's own counts and speeds, in its last chunk

    def text(self, data: str) -> str:
        """The text delta in one `data:` payload ('' if none); LLMError on errors and bad JSON."""
        if data.strip() == "[DONE]":
            self.finished = True
            return ""
        try:
            obj = json.loads(data)
        except ValueError:
            raise LLMError(f"{self.source} sent a malformed stream (not JSON: {_one_line(data, 60)!r})") from None
        if not isinstance(obj, dict):
            raise LLMError(f"{self.source} sent a malformed stream (a chunk that is not an object)")
        if "error" in obj:
            raise LLMError(f"{self.source} answered with an error: {_error_text(obj)}")
        if isinstance(obj.get("timings"), dict):
            self.timings = obj["timings"]
        choices = obj.get("choices")
        if not isinstance(choices, list):
            raise LLMError(f"{self.source} sent a malformed stream (a chunk without choices)")
        out = []
        for choice in choices:
            if not isinstance(choice, dict):
                raise LLMError(f"{self.source} sent a malformed stream (a choice that is not an object)")
            if choice.get("finish_reason"):
                self.finished = True
            delta = choice.get("delta") or {}
            content = delta.get("content") if isinstance(delta, dict) else None
            if isinstance(content, str):
                out.append(content)
            elif content is not None:
                raise LLMError(f"{self.source} sent a malformed stream (content that is not text)")
        return "".join(out)


# ----------------------------------------------------------------------------------------------
# Any OpenAI-compatible endpoint


class OpenAIChat:
    """Streams from `<base_url>/chat/completions` (base_url like http://127.0.0.1:8080/v1).

    `timeout` bounds connecting and every wait for the next piece of text, so a stalled server,
    one that trickles keep-alive bytes but no text, or one that never answers all end in LLMError.
    """

    def __init__(self, base_url: str, model: str, api_key: str = "", timeout: float = 60.0):
        base = (base_url or "").strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", base):
            raise ConfigError(
                f"the language model endpoint must be an http(s) URL such as http://127.0.0.1:8080/v1, not {base_url!r}"
            )
        if timeout <= 0:
            raise ConfigError(f"the language model timeout must be above 0 seconds, not {timeout}")
        self.url = base if base.endswith("/chat/completions") else base + "/chat/completions"
        self.model = model or ""
        self.api_key = api_key or ""
        self.timeout = float(timeout)

    def __repr__(self) -> str:
        return f"OpenAIChat({self.url!r}, model={self.model!r}, timeout={self.timeout:g})"

    def stream(self, messages: list[dict], *, max_tokens: int, temperature: float = 0.0) -> Iterator[str]:
        import httpx

        body = _request(messages, max_tokens, temperature, self.model)
        headers = {"Accept": "text/event-stream"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        where = f"the language model at {self.url}"
        chunks = _Chunks(where)
        timeout = httpx.Timeout(self.timeout)
        try:
            with httpx.Client(timeout=timeout, follow_redirects=False) as client:
                with client.stream("POST", self.url, json=body, headers=headers) as response:
                    if response.status_code != 200:
                        raise LLMError(f"{where} answered HTTP {response.status_code}: {_http_error(response)}")
                    deadline = time.monotonic() + self.timeout
                    for line in _sse_lines(response, lambda: deadline, where, self.timeout):
                        field, _, value = line.partition(":")
                        value = value[1:] if value.startswith(" ") else value
                        if field == "data":
                            text = chunks.text(value)
                            if text:
                                deadline = time.monotonic() + self.timeout
                                yield text
                            if value.strip() == "[DONE]":
                                return
                        elif field == "error":
                            raise LLMError(f"{where} answered with an error: {_error_text(_json_or_text(value))}")
                        elif field in ("", "event", "id", "retry"):
                            continue  # a comment (': ping') or SSE bookkeeping
                        else:
                            raise LLMError(f"{where} sent a malformed stream (not server-sent events: {_one_line(line, 60)!r})")
        except LLMError:
            raise
        except httpx.TimeoutException:
            raise LLMError(f"{where} sent nothing for {self.timeout:g} s (timed out)") from None
        except httpx.ConnectError as exc:
            raise LLMError(f"could not reach {where}: {_reason(exc)}") from None
        except httpx.HTTPError as exc:
            raise LLMError(f"{where} failed: {_reason(exc)}") from None
        except (OSError, ValueError, UnicodeError) as exc:
            raise LLMError(f"{where} failed: {_reason(exc)}") from None
        if not chunks.finished:
            raise LLMError(f"{where} closed the stream before the reply was complete")


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused (is the server running?)"
    return _one_line(text)


def _json_or_text(value: str) -> object:
    try:
        return json.loads(value)
    except ValueError:
        return value


def _http_error(response) -> str:
    """The error message of a non-200 answer, read with a size cap."""
    raw = b""
    for block in response.iter_bytes():
        raw += block
        if len(raw) > 8192:
            break
    text = raw[:8192].decode("utf-8", "replace")
    return _error_text(_json_or_text(text)) or (response.reason_phrase or "no message")


def _sse_lines(response, deadline, where: str, timeout: float) -> Iterator[str]:
    """Lines of an event stream; LLMError once `deadline()` passes, however the bytes trickle in.

    httpx's read timeout covers silence; this covers a server that keeps sending bytes (pings,
    empty chunks, a line without end) but no text.
    """
    buffer = b""
    for block in response.iter_bytes():
        if time.monotonic() > deadline():
            raise LLMError(f"{where} sent no text for {timeout:g} s (timed out)")
        buffer += block
        if len(buffer) > 1 << 20 and b"\n" not in buffer:
            raise LLMError(f"{where} sent a malformed stream (a line over 1 MB)")
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            yield _decode(line, where)
    if buffer.strip():
        yield _decode(buffer, where)


def _decode(line: bytes, where: str) -> str:
    try:
        return line.rstrip(b"\r").decode("utf-8")
    except UnicodeDecodeError:
        raise LLMError(f"{where} sent a malformed stream (not UTF-8 text)") from None
