#!/usr/bin/env bash
# Start the action server and the Rasa server (REST + socket.io channels); Ctrl-C stops both.
set -euo pipefail
cd "$(dirname "$0")/.."
model="$1"
py=.venv/bin/python
action_port="${IL2BOT_ACTION_PORT:-5055}"
rasa_port="${IL2BOT_RASA_PORT:-5005}"

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

"$py" -m rasa_sdk --actions actions --port "$action_port" &
pids+=($!)
"$py" -m rasa run --model "$model" --endpoints endpoints.yml --credentials credentials.yml \
  --port "$rasa_port" --interface 127.0.0.1 &
pids+=($!)

echo "Starting the assistant (about a minute). When it is up:"
echo "  REST:    curl -s http://localhost:$rasa_port/webhooks/rest/webhook -d '{\"sender\":\"me\",\"message\":\"what is il2\"}'"
echo "Press Ctrl-C to stop."
wait -n "${pids[@]}"
