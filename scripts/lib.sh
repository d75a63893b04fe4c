# shellcheck shell=bash
# Helpers shared by scripts/run and scripts/test. Source it, don't run it.
#
# Environment (all optional):
#   ODOO_SRC        Odoo 18.0 source checkout            (default: /opt/odoo)
#   PROJECT_ADDONS  addons directory of this project     (default: <repo>/addons)
#   PYTHON          interpreter used to build the venv   (default: python3.11, else python3)

PROJECT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ODOO_SRC="${ODOO_SRC:-/opt/odoo}"
PROJECT_ADDONS="${PROJECT_ADDONS:-$PROJECT/addons}"
VAR_DIR="$PROJECT/var"
VENV="$PROJECT/.venv"
VENV_PY="$VENV/bin/python"
ODOO_LOCAL_CONF="$VAR_DIR/odoo-local.conf"
DB_OS_USER="$(id -un)"

# Local services (all on loopback).
ODOO_HTTP_PORT=8069
CATCHER_HOST=127.0.0.1
CATCHER_SMTP_PORT=1025
CATCHER_HTTP_PORT=8070

# The three addons of the suite, in install order.
# shellcheck disable=SC2034  # used by scripts/run and scripts/test
AR_MODULES="ar_collections,ar_collections_portal,ar_collections_ml,ar_collections_sale"

# Debian packages the scripts rely on: the database, a browser for Odoo's
# tours, PDF rendering for reports and fonts for it.
SYSTEM_PACKAGES=(postgresql chromium wkhtmltopdf fonts-dejavu-core fonts-liberation2)

if [ -t 2 ]; then
    log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
else
    log() { printf '==> %s\n' "$*" >&2; }
fi
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Run a command as root (directly, or through sudo).
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root for: $* (install sudo or run as root)"
    fi
}

# Run a command as the postgres OS user (from /, which it can read).
as_postgres() (
    cd /
    if [ "$(id -un)" = postgres ]; then
        "$@"
    elif [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        sudo -u postgres "$@"
    fi
)

# True when something listens on 127.0.0.1:<port>.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

ensure_odoo() {
    if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
        log "Odoo not found in $ODOO_SRC; cloning Odoo 18.0 there"
        if ! git clone --depth 1 -b 18.0 https://github.com/odoo/odoo.git "$ODOO_SRC"; then
            die "could not get Odoo. Set ODOO_SRC to an Odoo 18.0 source checkout (the directory holding odoo-bin)."
        fi
    fi
    local version
    version="$(sed -n "s/^version_info = (\([0-9]*\), \([0-9]*\).*/\1.\2/p" "$ODOO_SRC/odoo/release.py")"
    [ "$version" = "18.0" ] || die "$ODOO_SRC holds Odoo '$version', not 18.0. Set ODOO_SRC to an Odoo 18.0 checkout."
}

ensure_system_packages() {
    local missing=() pkg
    for pkg in "${SYSTEM_PACKAGES[@]}"; do
        if [ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" != "install ok installed" ]; then
            missing+=("$pkg")
        fi
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "Installing system packages: ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# Sets PG_PORT to the port of the running cluster.
ensure_postgres() {
    command -v pg_lsclusters >/dev/null || die "pg_lsclusters not found: is the Debian postgresql package installed?"
    local ver name port status
    read -r ver name port status _ < <(pg_lsclusters --no-header | head -n 1) ||
        die "no PostgreSQL cluster found (try: pg_createcluster --start 15 main)"
    PG_PORT="$port"
    export PGPORT="$port"
    if [ "${status%%,*}" != online ]; then
        log "Starting PostgreSQL $ver/$name"
        as_root pg_ctlcluster "$ver" "$name" start
    fi
    local i
    for i in $(seq 60); do
        pg_isready -q -p "$port" && break
        [ "$i" -eq 60 ] && die "PostgreSQL $ver/$name does not accept connections (see /var/log/postgresql/)"
        sleep 0.5
    done
    if [ "$(as_postgres psql -p "$port" -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_OS_USER'")" != 1 ]; then
        log "Creating PostgreSQL superuser role '$DB_OS_USER'"
        as_postgres createuser -p "$port" -s "$DB_OS_USER"
    fi
}

# Odoo's requirements.txt, adapted to a venv on this machine.
_odoo_requirements() {
    # python-ldap needs system headers and only serves LDAP login (not used);
    # psycopg2 is replaced by its wheel; cbor2 5.4.2 is built on its own below.
    sed -E \
        -e '/^python-ldap/d' \
        -e '/^cbor2==5\.4\.2 /d' \
        -e 's/^psycopg2==/psycopg2-binary==/' \
        "$ODOO_SRC/requirements.txt"
}

ensure_venv() {
    local python="${PYTHON:-}"
    if [ -z "$python" ]; then
        python="$(command -v python3.11 || command -v python3)" || die "python3 not found"
    fi
    local stamp_file="$VENV/.requirements.stamp" stamp
    stamp="$(
        {
            "$python" -c 'import sys; print(sys.version)'
            echo "$ODOO_SRC"
            _odoo_requirements
            cat "$PROJECT/requirements.txt" "$PROJECT/requirements-dev.txt"
        } | sha256sum | cut -d' ' -f1
    )"
    if [ -x "$VENV_PY" ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ]; then
        return 0
    fi

    if [ -x "$VENV_PY" ] && [ "$("$VENV_PY" -c 'import sys; print(sys.version)')" != "$("$python" -c 'import sys; print(sys.version)')" ]; then
        log "Rebuilding $VENV for $("$python" --version)"
        rm -rf "$VENV"
    fi
    if [ ! -x "$VENV_PY" ]; then
        log "Creating virtualenv $VENV ($("$python" --version))"
        "$python" -m venv "$VENV" || die "could not create a venv with $python (on Debian: apt-get install python3-venv)"
    fi
    log "Installing Python requirements into $VENV (first run takes a few minutes)"
    local pip=("$VENV_PY" -m pip install --quiet --disable-pip-version-check)
    "${pip[@]}" --upgrade pip wheel

    # cbor2 5.4.2 (Odoo's pin below Python 3.12) has no wheel for 3.11 and its
    # setup.py needs pkg_resources, which recent setuptools dropped: build it
    # against an older setuptools, without build isolation. Python 3.12+ gets
    # cbor2 5.6 from Odoo's requirements, as a wheel.
    if "$VENV_PY" -c 'import sys; sys.exit(sys.version_info >= (3, 12))' &&
        ! "$VENV_PY" -c 'import importlib.metadata as m, sys; sys.exit(m.version("cbor2") != "5.4.2")' 2>/dev/null; then
        "${pip[@]}" "setuptools>=61,<70" "setuptools_scm<9"
        "${pip[@]}" --no-build-isolation cbor2==5.4.2
    fi

    # One resolve for Odoo's pins and ours, so that ours cannot move Odoo's.
    "${pip[@]}" -r <(_odoo_requirements) -r "$PROJECT/requirements-dev.txt"
    # Make `import odoo` work in the venv (pytest-odoo, editors, scripts).
    local site_packages
    site_packages="$("$VENV_PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    echo "$ODOO_SRC" >"$site_packages/odoo-src.pth"
    "$VENV_PY" -c 'import odoo, cbor2, psycopg2, lxml, werkzeug, pandas, sklearn, phonenumbers, websocket, aiosmtpd' ||
        die "the virtualenv is incomplete; remove $VENV and run again"
    echo "$stamp" >"$stamp_file"
}

# Writes var/odoo-local.conf: the committed odoo.conf (made for containers)
# with paths, database and mail settings of this machine.
write_local_config() {
    mkdir -p "$VAR_DIR/data"
    "$VENV_PY" - "$PROJECT/odoo.conf" "$ODOO_LOCAL_CONF" \
        "addons_path=$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$PROJECT_ADDONS" \
        "data_dir=$VAR_DIR/data" \
        "db_host=" \
        "db_port=${PG_PORT:-5432}" \
        "db_user=$DB_OS_USER" \
        "db_password=False" \
        "smtp_server=$CATCHER_HOST" \
        "smtp_port=$CATCHER_SMTP_PORT" \
        "http_interface=127.0.0.1" \
        "http_port=$ODOO_HTTP_PORT" \
        "proxy_mode=False" \
        "logfile=" <<'EOF'
import configparser
import os
import sys

source, target, *overrides = sys.argv[1:]
conf = configparser.ConfigParser(interpolation=None)
conf.read(source)
conf["options"].update(item.split("=", 1) for item in overrides)
with open(f"{target}.{os.getpid()}", "w") as fh:
    fh.write("; Generated by scripts/lib.sh from odoo.conf; rewritten on every run.\n")
    conf.write(fh)
os.replace(fh.name, target)  # atomic: a running Odoo never reads half a file
EOF
}

# odoo-bin with the local configuration: odoo_bin [shell] [options].
odoo_bin() {
    local command=()
    if [ "${1:-}" = shell ]; then
        command=(shell)
        shift
    fi
    "$VENV_PY" "$ODOO_SRC/odoo-bin" "${command[@]}" -c "$ODOO_LOCAL_CONF" "$@"
}

db_exists() {
    [ "$(psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]
}

# Number of the given (comma-separated) modules installed in database $1.
db_installed_count() {
    local list="'${2//,/\',\'}'"
    psql -d "$1" -tAc "SELECT count(*) FROM ir_module_module WHERE state = 'installed' AND name IN ($list)" 2>/dev/null || echo 0
}

# Drops a database and its filestore.
drop_db() {
    log "Dropping database $1"
    dropdb --if-exists --force "$1"
    rm -rf "$VAR_DIR/data/filestore/$1"
}

# Fails unless every module of the comma-separated list is on the addons path.
check_modules_present() {
    local module dir found
    for module in ${1//,/ }; do
        found=
        for dir in "$ODOO_SRC/addons" "$ODOO_SRC/odoo/addons" "$PROJECT_ADDONS"; do
            [ -f "$dir/$module/__manifest__.py" ] && found=1 && break
        done
        [ -n "$found" ] || die "module '$module' not found in $PROJECT_ADDONS nor in $ODOO_SRC"
    done
}

# Starts tools/catcher.py in the background unless its ports are taken.
ensure_catcher() {
    if port_in_use "$CATCHER_HTTP_PORT" && port_in_use "$CATCHER_SMTP_PORT"; then
        return 0  # already running
    fi
    if port_in_use "$CATCHER_HTTP_PORT" || port_in_use "$CATCHER_SMTP_PORT"; then
        log "Warning: port $CATCHER_SMTP_PORT or $CATCHER_HTTP_PORT is taken by another program; not starting the catcher"
        return 0
    fi
    mkdir -p "$VAR_DIR"
    log "Starting the mail/SMS catcher (log: var/catcher.log)"
    nohup "$VENV_PY" "$PROJECT/tools/catcher.py" --dir "$VAR_DIR/catcher" \
        --host "$CATCHER_HOST" --smtp-port "$CATCHER_SMTP_PORT" --http-port "$CATCHER_HTTP_PORT" \
        >"$VAR_DIR/catcher.log" 2>&1 </dev/null &
    echo $! >"$VAR_DIR/catcher.pid"
    local i
    for i in $(seq 50); do
        port_in_use "$CATCHER_HTTP_PORT" && port_in_use "$CATCHER_SMTP_PORT" && return 0
        sleep 0.2
    done
    die "the catcher did not start, see var/catcher.log"
}
