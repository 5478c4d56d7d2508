"""pip install --no-build-isolation --no-index ./python (after scripts/build.sh):
installs the package with copies of the built libqbath.so, the qbath CLI and the C API
header in qbath/_lib/, so that the installed package does not depend on the checkout.
The build directory is $QBATH_BUILD_DIR or the checkout's build/."""
import os
import shutil

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


class build_py_with_library(build_py):
    def run(self):
        super().run()
        build = os.environ.get("QBATH_BUILD_DIR") or os.path.join(ROOT, "build")
        files = [os.path.join(build, "libqbath.so"), os.path.join(build, "qbath"),
                 os.path.join(ROOT, "include", "qbath", "api.h")]
        missing = [f for f in files if not os.path.exists(f)]
        if missing:
            raise SystemExit("qbath: %s missing; build the library first (scripts/build.sh)"
                             % ", ".join(missing))
        dest = os.path.join(self.build_lib, "qbath", "_lib")
        os.makedirs(dest, exist_ok=True)
        for f in files:
            shutil.copy2(f, dest)


setup(cmdclass={"build_py": build_py_with_library})
