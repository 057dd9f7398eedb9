"""Read-only resource APIs: GKE (container v1), Artifact Registry v1, Resource Manager v1/v3."""

from __future__ import annotations

import base64
import hashlib

from .auth import bearer, require_project_permission
from .httpkit import google_error

AR_LOCATIONS = ["us", "europe", "asia", "us-central1", "us-east1", "europe-west1"]
CREATED = "2024-01-01T00:00:00Z"


def _gke_denied(perm: str, project: str) -> str:
    return f'Required "{perm}" permission(s) for "projects/{project}".'


def _cluster(req, c: dict) -> dict:
    p, loc, name = c["project"], c["location"], c["name"]
    zonal = loc.count("-") == 2
    link = f"{req.server.base_url}/v1/projects/{p}/{'zones' if zonal else 'locations'}/{loc}" \
           f"/clusters/{name}"
    ca = c.get("ca_pem", "")
    return {"name": name, "location": loc, "zone": loc,
            "locations": [loc] if zonal else [loc + "-a", loc + "-b", loc + "-c"],
            "endpoint": c.get("endpoint", "127.0.0.1"), "status": "RUNNING",
            "masterAuth": {"clusterCaCertificate": base64.b64encode(ca.encode()).decode()},
            "selfLink": link, "currentMasterVersion": "1.32.0-gke.1000",
            "currentNodeVersion": "1.32.0-gke.1000", "currentNodeCount": 1,
            "initialClusterVersion": "1.32.0-gke.1000", "createTime": CREATED,
            "network": "default", "subnetwork": "default",
            "nodePools": [{"name": "default-pool", "status": "RUNNING",
                           "version": "1.32.0-gke.1000", "initialNodeCount": 1,
                           "config": {"machineType": "e2-medium", "diskSizeGb": 100}}],
            "nodeConfig": {"machineType": "e2-medium", "diskSizeGb": 100},
            "id": hashlib.sha256(link.encode()).hexdigest()[:32]}


def list_clusters(req, project: str, location: str):
    bearer(req)
    require_project_permission(req, project, "container.clusters.list",
                               _gke_denied("container.clusters.list", project))
    cs = [c for c in req.state.world["clusters"] if c["project"] == project
          and location in ("-", c["location"])]
    req.send_json(200, {"clusters": [_cluster(req, c) for c in cs]})


def get_cluster(req, project: str, location: str, name: str):
    bearer(req)
    require_project_permission(req, project, "container.clusters.get",
                               _gke_denied("container.clusters.get", project))
    for c in req.state.world["clusters"]:
        if c["project"] == project and c["name"] == name and location in ("-", c["location"]):
            return req.send_json(200, _cluster(req, c))
    raise google_error(404, f"Not found: projects/{project}/locations/{location}/clusters/{name}"
                       ".", "NOT_FOUND")


def _ar_denied(project: str, location: str) -> str:
    return ("Permission 'artifactregistry.repositories.list' denied on resource "
            f"'//artifactregistry.googleapis.com/projects/{project}/locations/{location}' "
            "(or it may not exist).")


def list_ar_locations(req, project: str):
    bearer(req)
    require_project_permission(req, project, "artifactregistry.repositories.list",
                               _ar_denied(project, "-"))
    locs = list(AR_LOCATIONS)
    for r in req.state.world["repositories"]:
        if r["project"] == project and r["location"] not in locs:
            locs.append(r["location"])
    req.send_json(200, {"locations": [{"name": f"projects/{project}/locations/{loc}",
                                       "locationId": loc} for loc in locs]})


def list_repositories(req, project: str, location: str):
    bearer(req)
    require_project_permission(req, project, "artifactregistry.repositories.list",
                               _ar_denied(project, location))
    repos = [r for r in req.state.world["repositories"] if r["project"] == project
             and location in ("-", r["location"])]
    out = []
    for r in repos:
        out.append({"name": f"projects/{project}/locations/{r['location']}/repositories/"
                            f"{r['name']}",
                    "format": r.get("format", "DOCKER"), "mode": "STANDARD_REPOSITORY",
                    "description": r.get("description", ""), "createTime": CREATED,
                    "updateTime": CREATED, "sizeBytes": "0",
                    "registryUri": f"{r['location']}-docker.pkg.dev/{project}/{r['name']}"})
    req.send_json(200, {"repositories": out})


def get_project(req, project: str, version: str = "v1"):
    bearer(req)
    number = req.state.project_number(project)
    require_project_permission(req, project, "resourcemanager.projects.get",
                               "The caller does not have permission")
    if number is None:
        raise google_error(403, "The caller does not have permission", "PERMISSION_DENIED")
    if version == "v3":
        return req.send_json(200, {"name": f"projects/{number}", "parent": "organizations/0",
                                   "projectId": project, "state": "ACTIVE",
                                   "displayName": project, "createTime": CREATED,
                                   "etag": "W/\"1\""})
    req.send_json(200, {"projectNumber": number, "projectId": project,
                        "lifecycleState": "ACTIVE", "name": project, "createTime": CREATED,
                        "parent": {"type": "organization", "id": "0"}})
