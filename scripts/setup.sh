# Shared by scripts/run and scripts/test: install what is missing, then configure and build.
# Sourced, not executed.

SHAREDMAP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHAREDMAP_PYTHON=/usr/bin/python3 # Debian's, with numpy; the python3 first on PATH may lack it

SHAREDMAP_PACKAGES=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-qpa-plugins qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libgl-dev
    libqcustomplot-dev libqcustomplot2.1-qt6
    libzip-dev libhdf5-dev qt6-image-formats-plugins
    python3 python3-numpy python3-tqdm python3-joblib python3-h5py
    python3-dev python3-scipy python3-cloudpickle python3-pytest
    xvfb xauth
    qt6-svg-dev qt6-translations-l10n fonts-noto-cjk
    dpkg-dev file appstream desktop-file-utils help2man man-db
    libmuparser-dev
    clang-format
    openmpi-bin libopenmpi-dev
)

sharedmap_install_packages() {
    local missing=()
    local package
    for package in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
            missing+=("$package")
        fi
    done
    if [ ${#missing[@]} -eq 0 ]; then
        return 0
    fi
    echo "Installing: ${missing[*]}"
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# sharedmap_build BUILD_DIR [extra cmake args...]
sharedmap_build() {
    local build_dir="$1"
    shift
    if [ ! -f "$build_dir/build.ninja" ]; then
        cmake -S "$SHAREDMAP_ROOT" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DPython3_EXECUTABLE="$SHAREDMAP_PYTHON" "$@"
    fi
    cmake --build "$build_dir" --parallel "$(nproc)"
}
