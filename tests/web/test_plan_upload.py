"""A café's setup saved as a plan file starts a new café when uploaded; a broken file is named,
with its line and field."""
from __future__ import annotations

import io
import re
import tomllib

from cafe.domain.plan import plan_from_dict
from cafe.plans import load_plan, plan_path

ICIC = "icic-2023-lived-experience-roles.toml"


def _upload(client, content: bytes, name: str = "my-cafe.toml"):
    return client.post("/new", data={"plan_file": (io.BytesIO(content), name)}, content_type="multipart/form-data")


def test_a_saved_plan_uploaded_again_starts_the_same_cafe(client, facilitator):
    saved = facilitator.http.get(facilitator.host_link + "/plan.toml")
    assert saved.status_code == 200 and "attachment" in saved.headers["Content-Disposition"]
    response = _upload(client, saved.data)
    assert response.status_code == 303 and "/f/" in response.headers["Location"]
    again = client.get(response.headers["Location"] + "/plan.toml").get_data(as_text=True)
    assert plan_from_dict(tomllib.loads(again)) == load_plan(plan_path(ICIC))


def test_a_broken_plan_file_is_named_with_its_line_and_field(client):
    broken = b'title = "Ours"\nrounds = 3\nround_minutes = 10\ntable_size = 40\ntheme_mode = "rotate"\n' \
             b'[[themes]]\nname = "A"\nquestion = "Why?"\n'
    response = _upload(client, broken, "ours.toml")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r"ours\.toml:4: field &#39;table_size&#39;", page), page


def test_an_empty_or_binary_upload_is_refused_with_a_message(client):
    empty = _upload(client, b"")
    assert empty.status_code == 400 and "Choose a plan file first." in empty.get_data(as_text=True)
    binary = _upload(client, b"\xff\xfe\x00junk", "photo.toml")
    assert binary.status_code == 400 and "photo.toml" in binary.get_data(as_text=True)
