"""scripts/serve.sh installs only when the package's description changed, then starts the server."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _copy(tmp_path: Path) -> Path:
    """A stand-in checkout: the real serve.sh and pyproject.toml, a setup.sh and a `cafe` that
    only note that they ran (the real ones would install packages and start a server)."""
    root = tmp_path / "repo"
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "serve.sh", root / "scripts" / "serve.sh")
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    setup = root / "scripts" / "setup.sh"
    setup.write_text(
        "#!/usr/bin/env bash\nset -e\ncd \"$(dirname \"$0\")/..\"\necho setup >> calls.log\n"
        "mkdir -p .venv/bin\nprintf '#!/usr/bin/env bash\\necho \"cafe $*\" >> calls.log\\n' > .venv/bin/cafe\n"
        "chmod +x .venv/bin/cafe\n")
    setup.chmod(0o755)
    return root


def _serve(root: Path, *args: str) -> list[str]:
    subprocess.run(["bash", str(root / "scripts" / "serve.sh"), *args], check=True, cwd=root, timeout=60)
    lines = (root / "calls.log").read_text().splitlines()
    (root / "calls.log").unlink()
    return lines


def test_serve_installs_once_and_again_only_when_pyproject_changes(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    assert _serve(root, "--port", "5001") == ["setup", "cafe serve --port 5001"]
    assert _serve(root, "--port", "5001") == ["cafe serve --port 5001"]
    assert _serve(root, "demo") == ["cafe demo"]
    with (root / "pyproject.toml").open("a") as pyproject:
        pyproject.write("\n# a new dependency would change this file\n")
    assert _serve(root) == ["setup", "cafe serve"]
    assert _serve(root) == ["cafe serve"]


def test_serve_installs_again_when_the_environment_is_gone(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _serve(root)
    (root / ".venv" / "bin" / "cafe").unlink()
    assert _serve(root) == ["setup", "cafe serve"]
