"""A real SMTP server for the authrs tests: aiosmtpd on 127.0.0.1 on a port the OS picks.

Prints `PORT <n>` once it listens, then one JSON line per delivered message:
{"mail_from": ..., "rcpt_tos": [...], "data": "<the message as received>"}.
Stops when its standard input closes (the test process ended or dropped it).

Options: --tls-cert FILE --tls-key FILE to offer (and require) STARTTLS;
--auth USER:PASSWORD to require authentication.
"""

import argparse
import asyncio
import json
import socket
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult


class Printer:
    async def handle_DATA(self, server, session, envelope):
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": list(envelope.rcpt_tos),
            "data": envelope.content.decode("utf-8", "replace"),
        }
        print(json.dumps(record), flush=True)
        return "250 Message accepted for delivery"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--auth")
    args = parser.parse_args()

    tls_context = None
    if args.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(args.tls_cert, args.tls_key)

    authenticator = None
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = (
                auth_data is not None
                and auth_data.login == user.encode()
                and auth_data.password == password.encode()
            )
            # handled=False: the server answers 535 itself on failure.
            return AuthResult(success=ok, handled=False)

    def factory():
        return SMTP(
            Printer(),
            hostname="authrs-test-smtp",
            tls_context=tls_context,
            require_starttls=tls_context is not None,
            authenticator=authenticator,
            auth_required=authenticator is not None,
            auth_require_tls=tls_context is not None,
        )

    async def serve():
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        loop = asyncio.get_running_loop()
        server = await loop.create_server(factory, sock=sock)
        print(f"PORT {sock.getsockname()[1]}", flush=True)
        # Stop when the test closes our standard input.
        await loop.run_in_executor(None, sys.stdin.read)
        server.close()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
