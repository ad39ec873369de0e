"""`network=True`: the run's own bridge network, egress and the host's gateway, but no sample reaches another."""

from __future__ import annotations

import http.server
import textwrap
import threading

import pytest
from docker_support import close_sample, open_sample, require_docker, run

_CONNECT = textwrap.dedent("""
    import socket, sys
    for target in sys.argv[1:]:
        host, port = target.rsplit(":", 1)
        try:
            socket.create_connection((host, int(port)), timeout=3).close()
            print("reached", target)
        except OSError as ex:
            print("blocked", target, type(ex).__name__)
""")


@pytest.fixture(autouse=True)
def _docker():
    require_docker()
    yield
    from harness.sandbox import close_sandbox_pools

    close_sandbox_pools()


def _networks_of(container_id: str) -> dict:
    from harness.sandbox._engine import docker_client

    return docker_client().api.inspect_container(container_id)["NetworkSettings"]["Networks"]


@pytest.mark.slow
def test_networked_samples_share_the_runs_network_but_cannot_reach_each_other():
    from harness.sandbox import DockerSandboxConfig, close_sandbox_pools
    from harness.sandbox._engine import docker_client

    server = http.server.ThreadingHTTPServer(("0.0.0.0", 0), http.server.SimpleHTTPRequestHandler)
    host_port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = DockerSandboxConfig(network=True, pool_size=0)

    async def scenario():
        first, second = await open_sample(config), await open_sample(config)
        a, b = first["default"], second["default"]
        (name_a, net_a), = _networks_of(a.container_id).items()
        (name_b, net_b), = _networks_of(b.container_id).items()
        assert name_a == name_b and name_a.startswith("plugeval-")  # the run's own network, not docker's bridge
        network = docker_client().api.inspect_network(name_a)
        assert network["Options"]["com.docker.network.bridge.enable_icc"] == "false"
        assert network["Labels"]["plugeval.run"]
        await a.exec(["sh", "-c", "setsid python3 -m http.server 8000 >/dev/null 2>&1 &"])
        await a.exec(["sh", "-c", "for i in $(seq 50); do python3 -c 'import socket; socket.create_connection((\"127.0.0.1\", 8000), 1)' 2>/dev/null && exit 0; sleep 0.1; done; exit 1"])
        probe = await b.exec(
            ["python3", "-c", _CONNECT, f"{net_a['IPAddress']}:8000", f"{net_b['Gateway']}:{host_port}"]
        )
        assert f"blocked {net_a['IPAddress']}:8000" in probe.stdout, probe.stdout  # another sample's container
        assert f"reached {net_b['Gateway']}:{host_port}" in probe.stdout, probe.stdout  # the host: documented as open
        await close_sample(first, config)
        await close_sample(second, config)
        return name_a

    try:
        network_name = run(scenario())
    finally:
        server.shutdown()
    close_sandbox_pools()
    names = [n["Name"] for n in docker_client().api.networks()]
    assert network_name not in names  # removed when the run's sandboxes close


def test_no_network_by_default_even_to_the_hosts_loopback():
    server = http.server.ThreadingHTTPServer(("0.0.0.0", 0), http.server.SimpleHTTPRequestHandler)
    port = server.server_address[1]
    threading.Thread(target=server.serve_forever, daemon=True).start()

    async def scenario():
        isolated = await open_sample()
        assert list(_networks_of(isolated["default"].container_id)) == ["none"]
        targets = [f"{host}:{port}" for host in ("127.0.0.1", "172.17.0.1", "host.docker.internal")]
        result = await isolated["default"].exec(["python3", "-c", _CONNECT, *targets])
        assert "reached" not in result.stdout, result.stdout
        assert result.stdout.count("blocked") == 3
        await close_sample(isolated)

    try:
        run(scenario())
    finally:
        server.shutdown()
