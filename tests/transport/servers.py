#!/usr/bin/env python3
"""Real servers for the transport tests and benchmarks, on 127.0.0.1 with ephemeral ports.

Usage: servers.py WORKDIR -- COMMAND [ARGS...]

Generates a PKI with the openssl CLI (root CA -> intermediate CA -> leaves: good, wrong host,
expired, self-signed, and the good leaf served without its intermediate; a client certificate),
starts nginx with one server per case plus a scripted raw-TCP fault server and a CONNECT proxy
(both in this process), runs COMMAND with the addresses in TM_* environment variables, stops
everything and exits with COMMAND's status.
"""
import asyncio
import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time

LARGE_SIZE = 5 * 1024 * 1024 + 123


def large_body():
    # Deterministic, non-repeating at small periods; the tests recompute it.
    return bytes((i * 31 + (i >> 12)) % 251 for i in range(LARGE_SIZE))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(*args, cwd):
    subprocess.run(args, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def make_pki(d):
    os.makedirs(d, exist_ok=True)
    with open(f"{d}/ca.ext", "w") as f:
        f.write("basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n"
                "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid:always\n")
    with open(f"{d}/leaf.ext", "w") as f:
        f.write("basicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,DNS:tokenmint.test,IP:127.0.0.1\n")
    with open(f"{d}/wrong.ext", "w") as f:
        f.write("basicConstraints=CA:false\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:wrong.example\n")
    with open(f"{d}/client.ext", "w") as f:
        f.write("basicConstraints=CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n")
    key = lambda name: run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                           "-out", f"{name}.key", cwd=d)
    key("root")
    run("openssl", "req", "-x509", "-new", "-key", "root.key", "-subj", "/CN=tokenmint test root", "-days", "2",
        "-sha256", "-out", "root.pem", "-addext", "basicConstraints=critical,CA:true",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", cwd=d)
    key("inter")
    run("openssl", "req", "-new", "-key", "inter.key", "-subj", "/CN=tokenmint test intermediate", "-out", "inter.csr", cwd=d)
    run("openssl", "x509", "-req", "-in", "inter.csr", "-CA", "root.pem", "-CAkey", "root.key", "-CAcreateserial",
        "-days", "2", "-sha256", "-extfile", "ca.ext", "-out", "inter.pem", cwd=d)

    def leaf(name, ext, signer="inter", days="2"):
        key(name)
        run("openssl", "req", "-new", "-key", f"{name}.key", "-subj", f"/CN={name}", "-out", f"{name}.csr", cwd=d)
        run("openssl", "x509", "-req", "-in", f"{name}.csr", "-CA", f"{signer}.pem", "-CAkey", f"{signer}.key",
            "-CAcreateserial", "-days", days, "-sha256", "-extfile", ext, "-out", f"{name}.pem", cwd=d)

    leaf("good", "leaf.ext")
    leaf("wrong", "wrong.ext")
    leaf("client", "client.ext", signer="root")
    # Expired: issued by the intermediate with validity entirely in the past (openssl ca can
    # backdate; x509 -req cannot).
    key("expired")
    run("openssl", "req", "-new", "-key", "expired.key", "-subj", "/CN=expired", "-out", "expired.csr", cwd=d)
    os.makedirs(f"{d}/ca-db", exist_ok=True)
    open(f"{d}/ca-db/index.txt", "w").close()
    with open(f"{d}/ca-db/serial", "w") as f:
        f.write("1000\n")
    with open(f"{d}/ca.cnf", "w") as f:
        f.write(f"""[ca]
default_ca = local
[local]
database = {d}/ca-db/index.txt
new_certs_dir = {d}/ca-db
serial = {d}/ca-db/serial
default_md = sha256
policy = any
[any]
commonName = supplied
""")
    run("openssl", "ca", "-config", "ca.cnf", "-batch", "-notext", "-cert", "inter.pem", "-keyfile", "inter.key",
        "-in", "expired.csr", "-out", "expired.pem", "-startdate", "20200101000000Z", "-enddate", "20200201000000Z",
        "-extfile", "leaf.ext", cwd=d)
    key("selfsigned")
    run("openssl", "req", "-x509", "-new", "-key", "selfsigned.key", "-subj", "/CN=localhost", "-days", "2",
        "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-out", "selfsigned.pem", cwd=d)
    for name in ("good", "wrong", "expired"):
        with open(f"{d}/{name}-chain.pem", "w") as out:
            out.write(open(f"{d}/{name}.pem").read() + open(f"{d}/inter.pem").read())


NGINX_CONF = """
daemon off;
master_process off;
worker_processes 1;
pid {w}/nginx.pid;
error_log {w}/error.log warn;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {w}/tmp/body;
  proxy_temp_path {w}/tmp/proxy;
  fastcgi_temp_path {w}/tmp/fastcgi;
  uwsgi_temp_path {w}/tmp/uwsgi;
  scgi_temp_path {w}/tmp/scgi;
  log_format conn '$server_port $connection $connection_requests $request_method $uri $status "$http_user_agent"';
  default_type application/octet-stream;
  keepalive_requests 100000;
  ssl_protocols TLSv1.2 TLSv1.3;
{servers}
}}
"""

LOCATIONS = """
    access_log {w}/access.log conn;
    root {w}/www;
    location = /bench {{ access_log off; default_type application/json; return 200 '{{"token":"abc"}}'; }}
    location = /token {{ default_type application/json; return 200 '{{"token":"abc","expires_in":3600}}'; }}
    location = /missing {{ default_type application/json; return 404 '{{"error":"not here"}}'; }}
    location = /chunked.html {{ ssi on; }}
    location / {{ }}
"""


def nginx_server(w, port, extra="", keepalive="60s"):
    return (f"  server {{\n    listen 127.0.0.1:{port}{' ssl' if 'ssl_certificate' in extra else ''};\n"
            f"    keepalive_timeout {keepalive};\n{extra}{LOCATIONS.format(w=w)}  }}\n")


def tls(w, chain, key, more=""):
    return f"    ssl_certificate {w}/pki/{chain};\n    ssl_certificate_key {w}/pki/{key};\n{more}"


# ----------------------------------------------------------------------------------------------
# Raw-TCP fault server: reads one request head (and a Content-Length body), then acts by path.

async def read_request(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    if length:
        await reader.readexactly(length)
    return method, path


async def fault_client(reader, writer):
    try:
        await fault_script(reader, writer)
    except ConnectionError:
        pass  # the client gave up (deadline tests); nothing to report
    finally:
        writer.close()


async def fault_script(reader, writer):
    served = 0
    while True:
        try:
            method, path = await read_request(reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        served += 1
        if path == "/truncated-length":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it")
        elif path == "/truncated-chunked":
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
        elif path == "/truncated-head":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Le")
        elif path == "/malformed":
            writer.write(b"HTTP/1.1 200 OK\nContent-Length: 0\n\n")
        elif path == "/smuggle":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        elif path == "/garbage":
            writer.write(b"<html>not http</html>\r\n")
        elif path == "/stall":
            await asyncio.sleep(3600)
        elif path == "/reset":
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
            await writer.drain()
            sock = writer.get_extra_info("socket")
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            writer.transport.abort()
            return
        elif path == "/drip":
            for b in b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\ndrip by drip":
                writer.write(bytes([b]))
                await writer.drain()
                await asyncio.sleep(0.01)
            continue
        elif path == "/close-delimited":
            writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nthe body ends at close")
            await writer.drain()
            writer.close()
            return
        elif path == "/keep-then-drop":
            # The first request on a connection is answered with keep-alive; a later one on
            # the same connection finds it closed without an answer (a server's idle close
            # racing the client's reuse).
            if served > 1:
                writer.transport.abort()
                return
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        else:
            writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
        await writer.drain()
        if path.startswith("/truncated") or path in ("/malformed", "/smuggle", "/garbage"):
            return


async def silent_client(reader, writer):
    # Accepts and never answers (a TLS handshake or a request that stalls).
    await reader.read()  # until the client gives up
    writer.close()


# ----------------------------------------------------------------------------------------------
# CONNECT proxy with Basic auth; logs each tunnel's target.

def proxy_handler(expected_auth, log_path):
    async def handle(reader, writer):
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        auth = next((l.split(":", 1)[1].strip() for l in lines[1:] if l.lower().startswith("proxy-authorization:")), "")
        if method != "CONNECT":
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            writer.close()
            return
        if auth != expected_auth:
            writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"t\"\r\n"
                         b"Content-Length: 12\r\n\r\nauth needed\n")
            await writer.drain()
            writer.close()
            return
        host, port = target.rsplit(":", 1)
        with open(log_path, "a") as f:
            f.write(f"CONNECT {target}\n")
        try:
            up_r, up_w = await asyncio.open_connection(host.strip("[]"), int(port))
        except OSError:
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            writer.close()
            return
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()

        async def pipe(r, w):
            try:
                while data := await r.read(65536):
                    w.write(data)
                    await w.drain()
            except ConnectionError:
                pass
            finally:
                w.close()

        await asyncio.gather(pipe(reader, up_w), pipe(up_r, writer))
    return handle


def start_python_servers(env, work):
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    ports = {}

    async def main():
        fault = await asyncio.start_server(fault_client, "127.0.0.1", 0)
        silent = await asyncio.start_server(silent_client, "127.0.0.1", 0)
        auth = "Basic " + base64.b64encode(b"proxy user:pa:ss word").decode()
        proxy = await asyncio.start_server(proxy_handler(auth, f"{work}/proxy.log"), "127.0.0.1", 0)
        ports["fault"] = fault.sockets[0].getsockname()[1]
        ports["silent"] = silent.sockets[0].getsockname()[1]
        ports["proxy"] = proxy.sockets[0].getsockname()[1]
        ready.set()
        await asyncio.Event().wait()

    t = threading.Thread(target=lambda: loop.run_until_complete(main()), daemon=True)
    t.start()
    ready.wait(10)
    env["TM_FAULT_PORT"] = str(ports["fault"])
    env["TM_SILENT_PORT"] = str(ports["silent"])
    env["TM_PROXY_PORT"] = str(ports["proxy"])
    env["TM_PROXY_LOG"] = f"{work}/proxy.log"
    env["TM_PROXY_USER"] = "proxy user"
    env["TM_PROXY_PASSWORD"] = "pa:ss word"


def wait_listening(port, proc, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if proc.poll() is not None:
            raise RuntimeError("nginx exited early")
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


def main():
    if "--" not in sys.argv or len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    work = os.path.abspath(sys.argv[1])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    shutil.rmtree(work, ignore_errors=True)
    for sub in ("tmp", "www", "pki"):
        os.makedirs(f"{work}/{sub}")
    make_pki(f"{work}/pki")
    with open(f"{work}/www/large.bin", "wb") as f:
        f.write(large_body())
    # SSI turns a static page into a chunked response (its length is unknown up front).
    with open(f"{work}/www/chunked.html", "w") as f:
        f.write("<p>chunked</p>" * 2000 + '<!--# echo var="server_port" -->' + "<p>end</p>")

    names = ["http", "http_short_idle", "tls_good", "tls_wrong_host", "tls_expired", "tls_self_signed",
             "tls_missing_intermediate", "tls_client_auth"]
    ports = {n: free_port() for n in names}
    servers = [
        nginx_server(work, ports["http"]),
        nginx_server(work, ports["http_short_idle"], keepalive="1s"),
        nginx_server(work, ports["tls_good"], tls(work, "good-chain.pem", "good.key")),
        nginx_server(work, ports["tls_wrong_host"], tls(work, "wrong-chain.pem", "wrong.key")),
        nginx_server(work, ports["tls_expired"], tls(work, "expired-chain.pem", "expired.key")),
        nginx_server(work, ports["tls_self_signed"], tls(work, "selfsigned.pem", "selfsigned.key")),
        nginx_server(work, ports["tls_missing_intermediate"], tls(work, "good.pem", "good.key")),
        nginx_server(work, ports["tls_client_auth"], tls(work, "good-chain.pem", "good.key",
                                                         f"    ssl_client_certificate {work}/pki/root.pem;\n"
                                                         "    ssl_verify_client on;\n")),
    ]
    with open(f"{work}/nginx.conf", "w") as f:
        f.write(NGINX_CONF.format(w=work, servers="".join(servers)))
    nginx = subprocess.Popen(["nginx", "-p", work, "-c", f"{work}/nginx.conf", "-e", f"{work}/error.log"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    env = dict(os.environ)
    try:
        for n in names:
            wait_listening(ports[n], nginx)
            env["TM_NGINX_" + n.upper()] = str(ports[n])
        env["TM_CA_FILE"] = f"{work}/pki/root.pem"
        env["TM_CLIENT_CERT"] = f"{work}/pki/client.pem"
        env["TM_CLIENT_KEY"] = f"{work}/pki/client.key"
        env["TM_NGINX_LOG"] = f"{work}/access.log"
        env["TM_WWW"] = f"{work}/www"
        start_python_servers(env, work)
        return subprocess.run(cmd, env=env).returncode
    finally:
        nginx.send_signal(signal.SIGQUIT)
        try:
            nginx.wait(10)
        except subprocess.TimeoutExpired:
            nginx.kill()


if __name__ == "__main__":
    sys.exit(main())
