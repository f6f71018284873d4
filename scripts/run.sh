#!/usr/bin/env bash
# Start the action server, the Rasa server (REST and website-widget channels) and the demo clinic
# website that embeds the widget; Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
model="$1"
py=.venv/bin/python
action_port=5055  # endpoints.yml points the Rasa server here
rasa_port="${IL2BOT_RASA_PORT:-5005}"
demo_port="${IL2BOT_DEMO_PORT:-8080}"

# credentials.yml allows the demo page on port 8080; on another port, allow that one instead.
if [ "$demo_port" != 8080 ] && [ -z "${IL2BOT_ALLOWED_ORIGINS:-}" ]; then
  export IL2BOT_ALLOWED_ORIGINS="http://localhost:$demo_port,http://127.0.0.1:$demo_port"
fi

pids=()
stop() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop INT TERM EXIT

# endpoints.yml, plus Redis tracker and lock stores when IL2BOT_RASA_WORKERS asks for several Rasa processes.
endpoints="$("$py" -m bot endpoints --out var/endpoints.yml --action-port "$action_port")"
export SANIC_WORKERS="${IL2BOT_RASA_WORKERS:-1}"
# Sanic reads a whole body into memory before any channel sees it (its default limit is 100 MB); the
# channels refuse more than 16 KB themselves, in their JSON format.
export SANIC_REQUEST_MAX_SIZE=65536
# Rasa's HTTP API (used by `python -m bot publish` to load a new model) only behind a token:
# IL2BOT_API_TOKEN, or a random one kept in var/api_token (mode 0600). Never a default value.
api_token="$("$py" -m bot api-token)"

# The action server on loopback only, closed to web pages (bot/action_server.py).
"$py" -m bot.action_server --actions actions --port "$action_port" &
pids+=($!)
"$py" -m rasa run --model "$model" --endpoints "$endpoints" --credentials credentials.yml \
  --port "$rasa_port" --interface 127.0.0.1 --enable-api --auth-token="$api_token" &
pids+=($!)
"$py" demo/serve.py --port "$demo_port" --bot-url "http://localhost:$rasa_port" --quiet &
pids+=($!)

echo "Starting the assistant (about a minute). When it is up:"
echo "  Demo clinic website with the chat widget: http://localhost:$demo_port/"
echo "  Widget script (for the embed snippet):    http://localhost:$rasa_port/webhooks/widget/widget.js"
echo "  REST:    curl -s http://localhost:$rasa_port/webhooks/rest/webhook -d '{\"sender\":\"me\",\"message\":\"what is il2\"}'"
echo "Press Ctrl-C to stop."
wait -n "${pids[@]}"
