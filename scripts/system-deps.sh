#!/usr/bin/env bash
# Installs the system programs the project uses when they are missing: ffmpeg (with ffprobe) and the
# headless Chromium + ChromeDriver that the browser tests drive, and npm for their axe-core. Only root can; others get a note, and
# the media tools fall back to the ffmpeg binary that the imageio-ffmpeg wheel carries.
set -euo pipefail
need=()
command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1 || need+=(ffmpeg)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
command -v npm >/dev/null 2>&1 || need+=(npm)  # axe-core for the accessibility pass (npm ci)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "note: ${need[*]} missing and not root (or no apt-get): media falls back to imageio-ffmpeg;" \
       "browser tests need /usr/bin/chromium and /usr/bin/chromedriver." >&2
  exit 0
fi
echo "Installing ${need[*]} from Debian (once)..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" </dev/null >/dev/null
