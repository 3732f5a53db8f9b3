#!/bin/sh
# The gate screen, started at the display user's login (`gate-kiosk service install --display`
# writes the autostart entry): Chromium full-screen on the paired display URL, started again
# whenever it exits, with no screen blanking and no mouse cursor.
set -u
config="${XDG_CONFIG_HOME:-$HOME/.config}/gate-kiosk"
url_file="${GATE_DISPLAY_URL_FILE:-$config/display-url}"
browser="${GATE_DISPLAY_BROWSER:-}"
[ -n "$browser" ] || browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "gate-display: 没有安装 Chromium / Chromium is not installed: sudo apt-get install -y chromium" >&2
  exit 1
fi
if [ -n "${DISPLAY:-}" ] && command -v xset >/dev/null 2>&1; then
  xset s off
  xset s noblank
  xset -dpms
fi
if [ -n "${DISPLAY:-}" ] && command -v unclutter >/dev/null 2>&1; then
  unclutter -idle 0.5 -root &
fi
profile="$config/chromium"
mkdir -p "$profile"
while :; do
  url=$(cat "$url_file" 2>/dev/null || true)
  [ -n "$url" ] || url="http://127.0.0.1:8080/display/"
  # A browser that was killed offers to restore its pages at the next start: mark its exit clean.
  prefs="$profile/Default/Preferences"
  if [ -f "$prefs" ]; then
    sed -i 's/"exited_cleanly":false/"exited_cleanly":true/; s/"exit_type":"[^"]*"/"exit_type":"Normal"/' "$prefs"
  fi
  "$browser" --kiosk --autoplay-policy=no-user-gesture-required --noerrdialogs \
    --disable-session-crashed-bubble --disable-infobars --no-first-run --disable-translate \
    --password-store=basic --check-for-update-interval=31536000 --user-data-dir="$profile" "$url"
  echo "gate-display: Chromium 退出了，重新打开 / Chromium exited ($?); starting it again" >&2
  sleep "${GATE_DISPLAY_RESTART_S:-2}"
done
