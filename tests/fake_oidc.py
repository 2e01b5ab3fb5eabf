"""A local OpenID Connect provider for the sign-in tests: discovery, JWKS, token endpoint, and RS256 keys
it generates (python3-cryptography). Runs on 127.0.0.1 in a thread of the test process.

The Python tests play the browser: they follow fleetkeepd's redirect by reading the authorization
request's parameters and calling approve(), which returns the code the provider would send back. The
browser tests run it as a process (`python3 fake_oidc.py`, which prints its issuer URL): its /authorize
page then approves at once and redirects back, as Google does for someone already signed in."""

import base64
import hashlib
import http.server
import json
import secrets
import threading
import time
import urllib.parse

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int_bytes(n):
    return n.to_bytes((n.bit_length() + 7) // 8, "big")


class FakeProvider:
    CLIENT_ID = "fleetkeep-test-client"
    CLIENT_SECRET = "s3cret-client-secret-value"

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # for bad signatures
        self.kid = "key-1"
        self.codes = {}  # code -> (nonce, challenge, redirect_uri, claims overrides, sign with other key)
        self.token_requests = []
        self.jwks_requests = 0
        self.token_endpoint = None  # what discovery names instead of <issuer>/token
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    return self._json(200, {"issuer": outer.issuer,
                                            "authorization_endpoint": outer.issuer + "/authorize",
                                            "token_endpoint": outer.token_endpoint or outer.issuer + "/token",
                                            "jwks_uri": outer.issuer + "/jwks",
                                            "id_token_signing_alg_values_supported": ["RS256"],
                                            "code_challenge_methods_supported": ["S256"]})
                if self.path.startswith("/authorize?"):
                    url = outer.issuer + self.path
                    code, state, q = outer.approve(url)
                    back = q["redirect_uri"] + "?" + urllib.parse.urlencode({"code": code, "state": state})
                    self.send_response(302)
                    self.send_header("Location", back)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path == "/jwks":
                    outer.jwks_requests += 1
                    pub = outer.key.public_key().public_numbers()
                    return self._json(200, {"keys": [{"kty": "RSA", "alg": "RS256", "use": "sig", "kid": outer.kid,
                                                      "n": b64url(_int_bytes(pub.n)), "e": b64url(_int_bytes(pub.e))}]})
                self._json(404, {"error": "not_found"})

            def do_POST(self):
                if self.path != "/token":
                    return self._json(404, {"error": "not_found"})
                length = int(self.headers.get("Content-Length", "0"))
                form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
                outer.token_requests.append(form)
                grant = outer.codes.pop(form.get("code"), None)
                if (grant is None or form.get("grant_type") != "authorization_code"
                        or form.get("client_id") != outer.CLIENT_ID or form.get("client_secret") != outer.CLIENT_SECRET):
                    return self._json(400, {"error": "invalid_grant"})
                nonce, challenge, redirect_uri, overrides, bad_key = grant
                verifier = form.get("code_verifier", "")
                if b64url(hashlib.sha256(verifier.encode()).digest()) != challenge:
                    return self._json(400, {"error": "invalid_grant", "error_description": "PKCE"})
                if form.get("redirect_uri") != redirect_uri:
                    return self._json(400, {"error": "redirect_uri_mismatch"})
                self._json(200, {"access_token": "at", "token_type": "Bearer", "expires_in": 3600,
                                 "id_token": outer.id_token(nonce, overrides, bad_key)})

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def id_token(self, nonce, overrides, bad_key):
        now = int(time.time())
        claims = {"iss": self.issuer, "aud": self.CLIENT_ID, "azp": self.CLIENT_ID, "sub": "1100042",
                  "email": "rivera@example.org", "email_verified": True, "hd": "example.org",
                  "nonce": nonce, "iat": now, "exp": now + 3600}
        claims.update(overrides)
        claims = {k: v for k, v in claims.items() if v is not None}
        header = {"alg": "RS256", "kid": self.kid, "typ": "JWT"}
        signing_input = (b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())).encode()
        key = self.other_key if bad_key else self.key
        signature = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
        return signing_input.decode() + "." + b64url(signature)

    def approve(self, authorize_url, overrides=None, bad_key=False):
        """What the provider does when the person picks an account: a code for the redirect."""
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authorize_url).query))
        assert q["response_type"] == "code" and q["client_id"] == self.CLIENT_ID, q
        assert q["code_challenge_method"] == "S256", q
        code = secrets.token_urlsafe(16)
        self.codes[code] = (q["nonce"], q["code_challenge"], q["redirect_uri"], overrides or {}, bad_key)
        return code, q["state"], q


if __name__ == "__main__":
    import sys
    provider = FakeProvider()
    print(provider.issuer, flush=True)
    print(FakeProvider.CLIENT_ID, FakeProvider.CLIENT_SECRET, flush=True)
    sys.stdin.read()  # runs until the test closes its end of the pipe
    provider.close()
