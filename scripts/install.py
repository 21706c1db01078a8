"""Set up sokhcn-analytics in a virtual environment, the same way everywhere.

    python3 scripts/install.py                 # macOS, Linux
    py -3.11 scripts\\install.py                # Windows PowerShell
    python3 scripts/install.py --dry-run       # only print the commands

``make install`` runs this script (with ``--editable``), so the Makefile and the manual steps of
``docs/setup.md`` are one list of commands (``tests/test_install.py`` compares them):

1. create ``.venv`` (kept if it is already there),
2. upgrade pip in it,
3. install exactly the versions of ``requirements.lock``, every file checked against its sha256,
4. install the package itself without resolving again (``--no-deps``),
5. ``pip check``,
6. register the Jupyter kernel the reports run on.

Pure Python, standard library only: no make, no shell.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import venv
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath

HERE = Path(__file__).resolve().parents[1]
KERNEL = ["-m", "ipykernel", "install", "--sys-prefix", "--name", "python3", "--display-name", "Python 3 (sokhcn)"]


def venv_python(folder, windows: bool = os.name == "nt") -> PurePath:
    """The interpreter of the virtual environment at ``folder``, as written on that system."""
    return PureWindowsPath(folder, "Scripts", "python.exe") if windows else PurePosixPath(folder, "bin", "python")


def shown(argv: list[str]) -> str:
    """A command as typed in PowerShell or a POSIX shell (both take "double quotes")."""
    return " ".join(f'"{a}"' if set(a) & set(' ()&;') else a for a in argv)


def steps(python: str, *, editable: bool = False, lab: bool = False) -> list[list[str]]:
    """The commands after the venv exists, each an argv run from the project folder."""
    pip = [python, "-m", "pip"]
    out = [[*pip, "install", "-q", "--upgrade", "pip"],
           [*pip, "install", "-q", "--require-hashes", "-r", "requirements.lock"]]
    if lab:  # JupyterLab and ipywidgets for the explorer: the same pins plus these
        out.append([*pip, "install", "-q", "--require-hashes", "-r", "requirements-lab.lock"])
    out += [[*pip, "install", "-q", "--no-deps", *(["-e"] if editable else []), "."],
            [*pip, "check"],
            [python, *KERNEL]]
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Cài sokhcn-analytics vào môi trường ảo .venv")
    parser.add_argument("--venv", default=".venv", help="thư mục môi trường ảo (mặc định .venv)")
    parser.add_argument("--editable", action="store_true", help="cài dạng -e (cho người phát triển: make install)")
    parser.add_argument("--lab", action="store_true", help="cài thêm JupyterLab (requirements-lab.lock)")
    parser.add_argument("--dry-run", action="store_true", help="chỉ in các lệnh, không chạy")
    args = parser.parse_args(argv)
    if sys.version_info < (3, 11):
        print(f"Cần Python 3.11 trở lên, đang chạy {sys.version.split()[0]}: cài Python 3.11 rồi chạy lại "
              "(Windows: py -3.11 scripts\\install.py).", file=sys.stderr)
        return 1
    folder = Path(args.venv)
    python = HERE / str(venv_python(folder))  # absolute: Windows does not look for a relative program in cwd
    print(shown(["python", "-m", "venv", str(folder)]))
    if not args.dry_run and not python.exists():
        venv.EnvBuilder(with_pip=True).create(HERE / folder)
    for argv_ in steps(str(venv_python(folder)), editable=args.editable, lab=args.lab):
        print(shown(argv_), flush=True)
        if not args.dry_run:
            done = subprocess.run([str(python), *argv_[1:]], cwd=HERE,
                                  stdout=subprocess.DEVNULL if "ipykernel" in argv_ else None)
            if done.returncode:
                print(f"Lệnh trên không thành công (mã {done.returncode}); cài đặt dừng ở đây.", file=sys.stderr)
                return done.returncode
    return 0


if __name__ == "__main__":
    sys.exit(main())
