"""deploy/kubernetes: every manifest passes the Kubernetes schemas (kubernetes-validate, which
bundles them, so no network), strictly (an unknown field is an error), for the oldest and the
newest Kubernetes it knows; and the pieces fit together."""

from __future__ import annotations

import copy
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.deploy.tools import KUBERNETES, executable, missing, yaml_module

MANIFESTS = sorted(p for p in KUBERNETES.glob("*.yaml") if p.name != "kustomization.yaml")


def validator() -> ModuleType:
    try:
        import kubernetes_validate
    except ImportError:
        missing(
            "kubernetes-validate is not installed: pip install kubernetes-validate "
            "(it bundles the Kubernetes schemas, so it works offline)"
        )
    return kubernetes_validate


def versions() -> list[str]:
    try:
        import kubernetes_validate.utils as utils
    except ImportError:
        return ["latest"]
    known = sorted(utils.all_versions(), key=lambda v: tuple(int(p) for p in v.split(".")))
    return [known[0], known[-1]]


def documents(path: Path) -> list[dict[str, Any]]:
    return [d for d in yaml_module().safe_load_all(path.read_text(encoding="utf-8")) if d]


def resources() -> dict[str, dict[str, Any]]:
    return {d["kind"]: d for path in MANIFESTS for d in documents(path)}


def validate(resource: dict[str, Any], version: str) -> None:
    kv = validator()
    if version == "latest":
        version = kv.utils.latest_version()
    kv.validate(resource, version, strict=True)


@pytest.mark.parametrize("version", versions())
@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_passes_the_schema(path: Path, version: str) -> None:
    for resource in documents(path):
        validate(resource, version)


def test_the_validator_rejects_an_unknown_field() -> None:
    """So that a pass above means something."""
    kv = validator()
    broken = copy.deepcopy(resources()["Deployment"])
    broken["spec"]["template"]["spec"]["containers"][0]["securityContex"] = {}
    with pytest.raises(kv.ValidationError):
        validate(broken, "latest")


def test_kustomization_lists_every_manifest() -> None:
    kustomization = documents(KUBERNETES / "kustomization.yaml")[0]
    assert kustomization["kind"] == "Kustomization"
    assert sorted(kustomization["resources"]) == sorted(p.name for p in MANIFESTS)


def test_kubectl_kustomize_renders_valid_resources() -> None:
    kubectl = executable("kubectl")
    if kubectl is None:
        # Not a CI failure: kubectl is in no registry this project installs from; the test
        # above checks the kustomization's resource list without it.
        pytest.skip("kubectl is not installed: the kustomize rendering is not checked")
    done = subprocess.run(
        [kubectl, "kustomize", str(KUBERNETES)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rendered = [d for d in yaml_module().safe_load_all(done.stdout) if d]
    assert sorted(d["kind"] for d in rendered) == sorted(resources())
    for resource in rendered:
        assert resource["metadata"].get("namespace", "is-claude-down") == "is-claude-down"
        validate(resource, "latest")


def container() -> dict[str, Any]:
    containers = resources()["Deployment"]["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    only: dict[str, Any] = containers[0]
    return only


def test_probes_are_healthz_for_liveness_and_readyz_for_readiness() -> None:
    c = container()
    assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
    ports = {p["name"]: p["containerPort"] for p in c["ports"]}
    assert ports["http"] == 3000
    for probe in (c["livenessProbe"], c["readinessProbe"]):
        assert probe["httpGet"]["port"] in ("http", 3000)


def mebibytes(quantity: str) -> float:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024}
    for unit, factor in units.items():
        if quantity.endswith(unit):
            return float(quantity[: -len(unit)]) * factor
    return float(quantity) / 2**20


def test_resources_fit_a_process_of_about_100_mb() -> None:
    limits, requests = container()["resources"]["limits"], container()["resources"]["requests"]
    assert set(requests) >= {"cpu", "memory"}
    assert "memory" in limits
    assert 100 <= mebibytes(requests["memory"]) <= mebibytes(limits["memory"]) <= 1024


def test_security_context_is_locked_down() -> None:
    pod = resources()["Deployment"]["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] != 0
    assert pod["securityContext"]["seccompProfile"]["type"] == "RuntimeDefault"
    assert pod["automountServiceAccountToken"] is False
    sc = container()["securityContext"]
    assert sc["allowPrivilegeEscalation"] is False
    assert sc["readOnlyRootFilesystem"] is True
    assert sc["capabilities"]["drop"] == ["ALL"]
    assert "add" not in sc["capabilities"]


def test_writable_paths_are_volumes_and_the_data_volume_is_the_claim() -> None:
    pod = resources()["Deployment"]["spec"]["template"]["spec"]
    mounts = {m["mountPath"]: m["name"] for m in container()["volumeMounts"]}
    tmp = "/tmp"  # noqa: S108 - the container's own /tmp, an emptyDir
    assert set(mounts) >= {"/data", tmp}
    volumes = {v["name"]: v for v in pod["volumes"]}
    claim = volumes[mounts["/data"]]["persistentVolumeClaim"]["claimName"]
    assert claim == resources()["PersistentVolumeClaim"]["metadata"]["name"]
    assert "emptyDir" in volumes[mounts[tmp]]


def test_one_replica_replaced_not_rolled_while_sqlite_is_on_a_rwo_volume() -> None:
    deployment = resources()["Deployment"]
    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"]["type"] == "Recreate"
    assert resources()["PersistentVolumeClaim"]["spec"]["accessModes"] == ["ReadWriteOnce"]


def test_environment_comes_from_the_configmap_then_the_secret() -> None:
    sources = container()["envFrom"]
    assert sources[0]["configMapRef"]["name"] == resources()["ConfigMap"]["metadata"]["name"]
    assert sources[1]["secretRef"]["name"] == resources()["Secret"]["metadata"]["name"]


def test_service_selects_the_pods_and_targets_the_http_port() -> None:
    service, deployment = resources()["Service"], resources()["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert service["spec"]["selector"].items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert service["spec"]["ports"][0]["targetPort"] in ("http", 3000)
