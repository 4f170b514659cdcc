"""WeCom callback encryption (加解密方案), as WeCom documents it.

- ``msg_signature`` = SHA1 hex of the sorted, concatenated ``[token, timestamp, nonce, encrypt]``;
- AESKey = Base64-decode(EncodingAESKey + "="), 32 bytes; AES-256-CBC with IV = AESKey[:16];
- plaintext = random(16) + msg_len (4 bytes, network order) + msg + receiveid, padded with
  PKCS#7 to a multiple of 32 bytes; the ciphertext travels Base64-encoded.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

BLOCK = 32


class WecomCryptoError(Exception):
    """A callback that cannot be trusted or read; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _aes_key(encoding_aes_key: str) -> bytes:
    try:
        key = base64.b64decode(encoding_aes_key + "=", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WecomCryptoError("wecom.bad_aes_key") from exc
    if len(key) != 32:
        raise WecomCryptoError("wecom.bad_aes_key")
    return key


class WecomCrypto:
    def __init__(self, *, token: str, encoding_aes_key: str, receive_id: str) -> None:
        self.token = token
        self.key = _aes_key(encoding_aes_key)
        self.receive_id = receive_id

    def signature(self, timestamp: str, nonce: str, encrypt: str) -> str:
        parts = sorted([self.token, timestamp, nonce, encrypt])
        # SHA-1 is what WeCom's protocol prescribes for msg_signature.
        return hashlib.sha1("".join(parts).encode()).hexdigest()  # noqa: S324

    def verify(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> None:
        expected = self.signature(timestamp, nonce, encrypt)
        if not hmac.compare_digest(expected, (msg_signature or "").lower()):
            raise WecomCryptoError("wecom.bad_signature")

    def decrypt(self, encrypt: str) -> str:
        try:
            data = base64.b64decode(encrypt, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise WecomCryptoError("wecom.bad_ciphertext") from exc
        if not data or len(data) % 16:
            raise WecomCryptoError("wecom.bad_ciphertext")
        decryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).decryptor()
        plain = decryptor.update(data) + decryptor.finalize()
        pad = plain[-1]
        if not 1 <= pad <= BLOCK or plain[-pad:] != bytes([pad]) * pad:
            raise WecomCryptoError("wecom.bad_padding")
        content = plain[16:-pad]
        if len(content) < 4:
            raise WecomCryptoError("wecom.bad_ciphertext")
        (length,) = struct.unpack("!I", content[:4])
        msg, receive_id = content[4 : 4 + length], content[4 + length :]
        if len(msg) != length or receive_id.decode("utf-8", "replace") != self.receive_id:
            raise WecomCryptoError("wecom.bad_receive_id")
        try:
            return msg.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WecomCryptoError("wecom.bad_ciphertext") from exc

    def encrypt(self, msg: str) -> str:
        """Encrypt a passive reply (the inverse of :meth:`decrypt`)."""
        body = msg.encode()
        plain = os.urandom(16) + struct.pack("!I", len(body)) + body + self.receive_id.encode()
        pad = BLOCK - len(plain) % BLOCK
        plain += bytes([pad]) * pad
        encryptor = Cipher(algorithms.AES(self.key), modes.CBC(self.key[:16])).encryptor()
        return base64.b64encode(encryptor.update(plain) + encryptor.finalize()).decode()

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """URL verification (GET): check the signature, answer the decrypted ``echostr``."""
        self.verify(msg_signature, timestamp, nonce, echostr)
        return self.decrypt(echostr)
