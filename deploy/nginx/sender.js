// The conversation id of a chat request, for nginx to send every turn of one conversation to the
// same Rasa replica (`hash $il2_sender consistent` in il2bot.conf.template). Rasa Open Source's
// lock is not safe across replicas, so one conversation must be handled by one replica at a time.
// Anything that is not a JSON object with a string "sender" gives "" (nginx then picks any replica;
// the channel refuses such a body anyway). The body never leaves this function and is not logged.
function key(r) {
    var body = r.requestText;
    if (!body) {
        return '';
    }
    try {
        var data = JSON.parse(body);
        return data !== null && typeof data === 'object' && typeof data.sender === 'string' ? data.sender : '';
    } catch (e) {
        return '';
    }
}

export default { key };
