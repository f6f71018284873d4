/*
 * IL-2 patient chat widget: a launcher button and a chat panel for a clinic's website.
 *
 * Embed with one script tag (see the README, "Add the chat to your website"):
 *   <script src="https://assistant.example.org/webhooks/widget/widget.js" data-clinic-name="..." defer></script>
 * Options come from data- attributes, or from window.IL2ChatConfig = {clinicName: ...} set before the tag
 * (data- attributes win). Plain JavaScript with no dependencies: the page talks only to the assistant server
 * the script came from. Safety: every bot and user text is set with textContent (never as HTML); only
 * http/https addresses become links; no cookies are used (credentials: "omit").
 */
(function () {
  'use strict';

  var script = document.currentScript;
  if (!script || window.__il2ChatWidget) return;
  window.__il2ChatWidget = true;

  /* Same limit as bot/triage.py MAX_MESSAGE_CHARS: the server refuses longer messages. */
  var MAX_MESSAGE_CHARS = 1000;
  var MAX_STORED_MESSAGES = 200;
  var DEFAULT_EXPIRE_MINUTES = 30;
  var REQUEST_TIMEOUT_MS = 60000;
  /* Same pattern as the answer ids of bot/answers: the only ids the widget shows or sends back. */
  var ANSWER_ID_PATTERN = /^[a-z0-9_.]{1,120}$/;
  /* Bot messages a patient can rate with thumbs up or down (the assistant's answers, not system replies). */
  var RATED_KINDS = { answer: true, detail: true, education: true };

  var STRINGS = {
    en: {
      launcher: 'Chat with us',
      title: 'Questions about IL-2 treatment',
      botLanguage: '',
      close: 'Close',
      startOver: 'Start over',
      emergency: 'In an emergency, call {number} now. This chat cannot send help.',
      log: 'Conversation',
      you: 'You said:',
      bot: 'Assistant said:',
      inputLabel: 'Type your message',
      placeholder: 'Ask about IL-2 treatment\u2026',
      send: 'Send',
      limitHint: 'Up to {max} characters. Press Enter to send.',
      typing: 'The assistant is typing\u2026',
      source: 'Source:',
      sources: 'Sources:',
      suggestions: 'Suggested replies',
      newTab: '(opens in a new tab)',
      offline: 'Sorry, the assistant cannot be reached right now. Please try again later.',
      busy: 'You are sending messages very fast. Please wait a few seconds and try again.',
      callClinic: 'To talk to a person, call {phone}.',
      callEmergency: 'In an emergency, call {number} now.',
      tooLong: 'That message is too long. Please keep it under {max} characters.',
      retry: 'Try again',
      restarted: 'Started a new conversation.',
      feedbackQuestion: 'Was this helpful?',
      helpful: 'Helpful',
      notHelpful: 'Not helpful'
    },
    es: {
      launcher: 'Chatear con nosotros',
      title: 'Preguntas sobre el tratamiento con IL-2',
      botLanguage: 'El asistente responde en ingl\u00e9s.',
      close: 'Cerrar',
      startOver: 'Empezar de nuevo',
      emergency: 'En caso de emergencia, llame al {number} ahora. Este chat no puede enviar ayuda.',
      log: 'Conversaci\u00f3n',
      you: 'Usted dijo:',
      bot: 'El asistente dijo:',
      inputLabel: 'Escriba su mensaje',
      placeholder: 'Pregunte sobre el tratamiento con IL-2\u2026',
      send: 'Enviar',
      limitHint: 'Hasta {max} caracteres. Pulse Intro para enviar.',
      typing: 'El asistente est\u00e1 escribiendo\u2026',
      source: 'Fuente:',
      sources: 'Fuentes:',
      suggestions: 'Respuestas sugeridas',
      newTab: '(se abre en una pesta\u00f1a nueva)',
      offline: 'Lo sentimos, no podemos conectar con el asistente en este momento. Int\u00e9ntelo m\u00e1s tarde.',
      busy: 'Est\u00e1 enviando mensajes muy r\u00e1pido. Espere unos segundos e int\u00e9ntelo de nuevo.',
      callClinic: 'Para hablar con una persona, llame al {phone}.',
      callEmergency: 'En caso de emergencia, llame al {number} ahora.',
      tooLong: 'El mensaje es demasiado largo. Escriba menos de {max} caracteres.',
      retry: 'Reintentar',
      restarted: 'Comenz\u00f3 una conversaci\u00f3n nueva.',
      feedbackQuestion: '\u00bfLe result\u00f3 \u00fatil?',
      helpful: '\u00datil',
      notHelpful: 'No es \u00fatil'
    }
  };

  /* ---------------------------------------------------------------- configuration */

  function readConfig() {
    var fromObject = (window.IL2ChatConfig && typeof window.IL2ChatConfig === 'object') ? window.IL2ChatConfig : {};
    var data = script.dataset;
    function pick(key) {
      var value = data[key] !== undefined ? data[key] : fromObject[key];
      return typeof value === 'string' ? value.trim() : '';
    }
    var lang = pick('lang').toLowerCase().split('-')[0];
    var position = pick('position').toLowerCase();
    var persist = pick('persist').toLowerCase();
    var expire = parseInt(pick('expireMinutes'), 10);
    var accent = pick('accent');
    var scriptUrl = new URL(script.src, document.baseURI);
    var server = pick('server');
    var base = /^https?:\/\//i.test(server) ? new URL(server.replace(/\/*$/, '/') + 'webhooks/widget/') : scriptUrl;
    return {
      clinicName: pick('clinicName'),
      clinicPhone: pick('clinicPhone'),
      emergencyNumber: pick('emergencyNumber') || '911',
      greeting: pick('greeting'),
      accent: /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.test(accent) ? accent : '#0b5cad',
      position: position === 'left' ? 'left' : 'right',
      lang: Object.prototype.hasOwnProperty.call(STRINGS, lang) ? lang : 'en',
      persist: persist === 'local' || persist === 'none' ? persist : 'session',
      /* Minutes without activity after which the stored conversation is deleted (1 to 1440; default 30). */
      expireMinutes: expire >= 1 && expire <= 1440 ? expire : DEFAULT_EXPIRE_MINUTES,
      webhook: new URL('webhook', base).href,
      stylesheet: new URL('widget.css', scriptUrl).href
    };
  }

  var config = readConfig();
  var t = STRINGS[config.lang];

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : whole;
    });
  }

  /* ---------------------------------------------------------------- colours (WCAG contrast) */

  function rgb(hex) {
    var h = hex.slice(1);
    if (h.length === 3) h = h[0] + h[0] + h[1] + h[1] + h[2] + h[2];
    return [0, 2, 4].map(function (i) { return parseInt(h.slice(i, i + 2), 16); });
  }
  function luminance(c) {
    var v = c.map(function (x) { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2];
  }
  function contrast(a, b) {
    var la = luminance(a), lb = luminance(b);
    return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
  }
  function css(c) { return 'rgb(' + c.join(',') + ')'; }
  /* Darken a colour until text in it reads at 4.5:1 on the given background. */
  function readableOn(c, background) {
    for (var i = 0; i < 30 && contrast(c, background) < 4.5; i++) {
      c = c.map(function (x) { return Math.round(x * 0.9); });
    }
    return c;
  }
  var accent = rgb(config.accent);
  var onAccent = contrast(accent, [255, 255, 255]) >= contrast(accent, [0, 0, 0]) ? [255, 255, 255] : [0, 0, 0];
  var accentText = readableOn(accent, [238, 241, 244]); /* the bot bubble's background, darker than white */

  /* ---------------------------------------------------------------- conversation state */

  var storage = null;
  try {
    storage = config.persist === 'local' ? window.localStorage : config.persist === 'session' ? window.sessionStorage : null;
  } catch (e) {
    storage = null; /* storage blocked by the browser: keep the conversation in memory only */
  }
  var storageKey = 'il2chat:v1:' + config.webhook;

  function newSenderId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ('0' + b.toString(16)).slice(-2); }).join('');
  }

  /* Accept only well-formed messages, from the server or from storage (`stored`: the patient's earlier
     thumbs up/down, kept with the message; messages stored by older versions have none). */
  function cleanMessage(m, stored) {
    if (!m || typeof m !== 'object') return null;
    var text = typeof m.text === 'string' ? m.text.slice(0, 20000) : '';
    var buttons = Array.isArray(m.buttons) ? m.buttons.filter(function (b) {
      return b && typeof b.title === 'string' && typeof b.payload === 'string' && b.payload.charAt(0) === '/';
    }).slice(0, 20).map(function (b) { return { title: b.title, payload: b.payload }; }) : [];
    var sources = Array.isArray(m.sources) ? m.sources.filter(function (s) {
      return s && typeof s.name === 'string';
    }).slice(0, 10).map(function (s) { return { name: s.name, url: typeof s.url === 'string' ? s.url : '' }; }) : [];
    var role = m.role === 'user' ? 'user' : 'bot';
    var kind = typeof m.kind === 'string' ? m.kind.replace(/[^a-z_]/g, '').slice(0, 40) : '';
    var answerId = typeof m.answer_id === 'string' && ANSWER_ID_PATTERN.test(m.answer_id) ? m.answer_id : '';
    if (!text && !buttons.length) return null;
    var clean = { role: role, text: text, buttons: buttons, sources: sources, kind: kind || 'message', answer_id: answerId };
    if (stored === true && (m.feedback === 'yes' || m.feedback === 'no')) clean.feedback = m.feedback;
    return clean;
  }

  function forgetStored() {
    try {
      if (storage) storage.removeItem(storageKey);
    } catch (e) {
      /* storage blocked: nothing was kept */
    }
  }

  /* A stored conversation idle for longer than `expireMinutes` is deleted, not shown: on a shared
     computer the next person must not find it. One stored before this check existed (no `savedAt`)
     is shown once and stamped by the next save. */
  function expired(state) {
    return typeof state.savedAt === 'number' && Date.now() - state.savedAt > config.expireMinutes * 60000;
  }

  function loadState() {
    var state = null;
    try {
      state = storage ? JSON.parse(storage.getItem(storageKey) || 'null') : null;
    } catch (e) {
      state = null;
    }
    if (state && typeof state === 'object' && expired(state)) {
      forgetStored();
      state = null;
    }
    if (!state || typeof state.sender !== 'string' || !/^[A-Za-z0-9_-]{16,64}$/.test(state.sender)) {
      return { sender: newSenderId(), messages: [], open: false };
    }
    var messages = Array.isArray(state.messages) ? state.messages.map(function (m) {
      return cleanMessage(m, true);
    }).filter(Boolean) : [];
    return { sender: state.sender, messages: messages, open: state.open === true };
  }

  var idleTimer = null;

  function saveState() {
    if (!storage) return;
    try {
      state.messages = state.messages.slice(-MAX_STORED_MESSAGES);
      state.savedAt = Date.now();
      storage.setItem(storageKey, JSON.stringify(state));
    } catch (e) {
      /* quota or privacy mode: the conversation simply is not kept */
    }
    /* A page left open past the idle time keeps its conversation on screen, but not in storage. */
    if (idleTimer) window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(forgetStored, config.expireMinutes * 60000);
  }

  var state = loadState();

  /* ---------------------------------------------------------------- DOM helpers (text only) */

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === 'text') node.textContent = attrs[name];
      else if (name === 'className') node.className = attrs[name];
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function srOnly(text) { return el('span', { className: 'il2-sr-only', text: text }); }

  /* A link only for http/https addresses; anything else stays plain text. */
  function safeLink(href, label) {
    var url;
    try { url = new URL(href); } catch (e) { return null; }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    var a = el('a', { href: url.href, target: '_blank', rel: 'noopener noreferrer' });
    a.appendChild(document.createTextNode(label));
    a.appendChild(srOnly(' ' + t.newTab));
    return a;
  }

  var URL_PATTERN = /https?:\/\/[^\s<>"'`]+/gi;

  /* Append text to a node, turning http/https addresses into links. */
  function appendLinkified(parent, text) {
    var last = 0;
    text.replace(URL_PATTERN, function (match, offset) {
      var url = match.replace(/[.,;:!?]+$/, '');
      while (url.slice(-1) === ')' && url.split('(').length < url.split(')').length) url = url.slice(0, -1);
      var link = safeLink(url, url);
      if (!link) return match;
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      parent.appendChild(link);
      last = offset + url.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  /* A decorative icon (24x24 path), hidden from screen readers. */
  function icon(d) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d);
    svg.appendChild(path);
    return svg;
  }

  function svgIcon() {
    return icon('M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z');
  }

  /* A thumb (up; the "not helpful" one is the same, turned over by the stylesheet). */
  function thumbIcon() {
    return icon('M7 10v11M3 10h4v11H3zM7 10l4-8c1.7 0 3 1.3 3 3v4h5.3a2 2 0 0 1 2 2.3l-1.2 7.5a2 2 0 0 1-2 1.7H7');
  }

  /* ---------------------------------------------------------------- build the widget */

  var host = el('div', { id: 'il2-chat-widget' });
  var shadow = host.attachShadow({ mode: 'open' });
  shadow.appendChild(el('link', { rel: 'stylesheet', href: config.stylesheet }));

  var root = el('aside', { className: 'il2 il2--' + config.position, lang: config.lang, 'aria-label': t.launcher });
  root.style.setProperty('--il2-accent', css(accent));
  root.style.setProperty('--il2-on-accent', css(onAccent));
  root.style.setProperty('--il2-accent-text', css(accentText));

  var title = el('h2', { id: 'il2-title', className: 'il2-title', text: t.title });
  var subtitleText = [config.clinicName, t.botLanguage].filter(Boolean).join(' \u00b7 ');
  var restartButton = el('button', { type: 'button', className: 'il2-restart', text: t.startOver });
  var closeButton = el('button', { type: 'button', className: 'il2-close', 'aria-label': t.close }, [
    el('span', { 'aria-hidden': 'true', text: '\u00d7' })
  ]);
  var header = el('div', { className: 'il2-header' }, [
    el('div', { className: 'il2-heading' }, [
      title, subtitleText ? el('p', { className: 'il2-subtitle', text: subtitleText }) : null
    ]),
    restartButton,
    closeButton
  ]);

  var emergency = el('p', { className: 'il2-emergency', role: 'note' });
  var parts = t.emergency.split('{number}');
  var dial = config.emergencyNumber.replace(/[^0-9+*#]/g, '');
  emergency.appendChild(document.createTextNode(parts[0]));
  emergency.appendChild(dial ? el('a', { href: 'tel:' + dial, text: config.emergencyNumber })
                             : el('strong', { text: config.emergencyNumber }));
  emergency.appendChild(document.createTextNode(parts.slice(1).join(config.emergencyNumber)));

  var log = el('div', {
    className: 'il2-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': t.log,
    tabindex: '0'
  });
  var typing = el('div', { className: 'il2-typing', 'aria-hidden': 'true', hidden: '' }, [
    el('span'), el('span'), el('span')
  ]);
  var status = el('p', { className: 'il2-sr-only', role: 'status' });

  var input = el('textarea', {
    id: 'il2-input', className: 'il2-input', rows: '1', maxlength: String(MAX_MESSAGE_CHARS),
    placeholder: t.placeholder, 'aria-describedby': 'il2-hint', autocomplete: 'off'
  });
  var counter = el('span', { className: 'il2-counter', 'aria-hidden': 'true', text: '0/' + MAX_MESSAGE_CHARS });
  var form = el('form', { className: 'il2-form', novalidate: '' }, [
    el('label', { for: 'il2-input', className: 'il2-sr-only', text: t.inputLabel }),
    input,
    el('button', { type: 'submit', className: 'il2-send', text: t.send }),
    el('p', { className: 'il2-meta' }, [
      el('span', { id: 'il2-hint', className: 'il2-sr-only', text: format(t.limitHint, { max: MAX_MESSAGE_CHARS }) }),
      counter
    ])
  ]);

  var panel = el('div', {
    id: 'il2-panel', className: 'il2-panel', role: 'dialog', 'aria-modal': 'false', 'aria-labelledby': 'il2-title',
    hidden: ''
  }, [header, emergency, log, status, form]);

  var launcher = el('button', {
    type: 'button', className: 'il2-launcher', 'aria-expanded': 'false', 'aria-controls': 'il2-panel'
  }, [svgIcon(), el('span', { text: t.launcher })]);

  root.appendChild(panel);
  root.appendChild(launcher);
  shadow.appendChild(root);

  /* ---------------------------------------------------------------- rendering */

  var feedbackCount = 0;

  /* "Was this helpful?" with a thumbs up and a thumbs down button, under one of the assistant's answers.
     A choice is sent once through the ordinary send path and kept with the message in the stored
     transcript; after it both buttons stay disabled, the chosen one pressed. */
  function renderFeedback(m) {
    var labelId = 'il2-feedback-' + (++feedbackCount);
    var group = el('div', { className: 'il2-feedback', role: 'group', 'aria-labelledby': labelId, tabindex: '-1' }, [
      el('span', { id: labelId, className: 'il2-feedback-label', text: t.feedbackQuestion })
    ]);
    var choices = [['yes', t.helpful], ['no', t.notHelpful]].map(function (choice) {
      var button = el('button', {
        type: 'button', className: 'il2-feedback-button il2-feedback-' + choice[0], 'aria-pressed': 'false'
      }, [thumbIcon(), el('span', { text: choice[1] })]);
      button.addEventListener('click', function () { choose(choice[0], choice[1], button); });
      group.appendChild(button);
      return { value: choice[0], button: button };
    });
    function show(value) {
      choices.forEach(function (c) {
        c.button.disabled = true;
        c.button.setAttribute('aria-pressed', c.value === value ? 'true' : 'false');
      });
    }
    function choose(value, label, button) {
      if (m.feedback || !ANSWER_ID_PATTERN.test(m.answer_id)) return;
      var hadFocus = shadow.activeElement === button;
      m.feedback = value;
      show(value);
      /* a disabled button loses focus: keep it on this control, not back at the top of the page */
      if (hadFocus) group.focus();
      send('/feedback' + JSON.stringify({ answer_id: m.answer_id, helpful: value }), label); /* addMessage saves m */
    }
    if (m.feedback) show(m.feedback);
    return group;
  }

  function renderMessage(m, transient) {
    var isBot = m.role === 'bot';
    var node = el('div', { className: 'il2-msg il2-msg--' + m.role + (isBot ? ' il2-kind-' + m.kind : '') });
    if (isBot) {
      /* the assistant answers in English; the clinic's own greeting is in the widget's language */
      node.setAttribute('lang', m.kind === 'greeting' && config.greeting ? config.lang : 'en');
    }
    if (isBot && m.answer_id) node.setAttribute('data-answer-id', m.answer_id);
    node.appendChild(srOnly(isBot ? t.bot + ' ' : t.you + ' '));
    var bubble = el('div', { className: 'il2-bubble' });
    m.text.split(/\n\s*\n/).forEach(function (paragraph) {
      if (!paragraph.trim()) return;
      var p = el('p');
      if (isBot) appendLinkified(p, paragraph.trim()); else p.textContent = paragraph.trim();
      bubble.appendChild(p);
    });
    if (bubble.childNodes.length) node.appendChild(bubble);
    if (isBot && m.sources.length) {
      var source = el('p', { className: 'il2-source' }, [
        el('span', { className: 'il2-source-label', text: (m.sources.length > 1 ? t.sources : t.source) + ' ' })
      ]);
      m.sources.forEach(function (s, i) {
        if (i) source.appendChild(document.createTextNode('; '));
        source.appendChild(safeLink(s.url, s.name) || document.createTextNode(s.name));
      });
      node.appendChild(source);
    }
    if (isBot && m.buttons.length) {
      var chips = el('div', { className: 'il2-chips', role: 'group', 'aria-label': t.suggestions });
      m.buttons.forEach(function (b) {
        var chip = el('button', { type: 'button', className: 'il2-chip', text: b.title });
        chip.addEventListener('click', function () { send(b.payload, b.title); });
        chips.appendChild(chip);
      });
      node.appendChild(chips);
    }
    if (isBot && m.answer_id && RATED_KINDS[m.kind] === true) node.appendChild(renderFeedback(m));
    if (transient && transient.retry) {
      var retry = el('button', { type: 'button', className: 'il2-chip il2-retry', text: t.retry });
      retry.addEventListener('click', function () {
        node.remove();
        input.focus();
        deliver(transient.retry, transient.options);
      });
      node.appendChild(el('div', { className: 'il2-chips' }, [retry]));
    }
    log.insertBefore(node, typing);
    return node;
  }

  function reveal(node) {
    var top = node.offsetTop - 8;
    log.scrollTop = log.scrollHeight - top > log.clientHeight ? top : log.scrollHeight;
  }

  log.appendChild(typing);
  state.messages.forEach(function (m) { renderMessage(m); });

  function addMessage(m) {
    state.messages.push(m);
    saveState();
    return renderMessage(m);
  }

  /* ---------------------------------------------------------------- talking to the assistant */

  var queue = Promise.resolve();
  var pending = 0;

  function setTyping(on) {
    pending += on ? 1 : -1;
    typing.hidden = pending === 0;
    status.textContent = pending ? t.typing : '';
    if (pending) log.scrollTop = log.scrollHeight;
  }

  function errorText(code) {
    if (code === 'too_long') return format(t.tooLong, { max: MAX_MESSAGE_CHARS });
    var text = code === 'rate_limited' ? t.busy : t.offline;
    if (config.clinicPhone) text += ' ' + format(t.callClinic, { phone: config.clinicPhone });
    return text + ' ' + format(t.callEmergency, { number: config.emergencyNumber });
  }

  function post(sender, message, messageId, retry) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    return fetch(config.webhook, {
      method: 'POST',
      /* text/plain keeps this a "simple" CORS request (no preflight); the body is JSON all the same */
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
      /* message_id: the same on "Try again", so a message the assistant did keep is not handled twice */
      body: JSON.stringify(retry ? { sender: sender, message: message, message_id: messageId, retry: true }
                                 : { sender: sender, message: message, message_id: messageId }),
      credentials: 'omit',
      cache: 'no-store',
      referrerPolicy: 'no-referrer',
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (body) {
        if (!response.ok || !Array.isArray(body)) {
          var error = new Error('request failed');
          error.code = body && typeof body.error === 'string' ? body.error : 'unavailable';
          /* what was said before the failure (an emergency reply, say) is shown, then the error */
          error.replies = body && Array.isArray(body.messages) ? body.messages : [];
          throw error;
        }
        return body;
      });
    }).finally(function () { if (timer) clearTimeout(timer); });
  }

  /* Send one message (queued, so replies stay in order) and show the replies. */
  function deliver(message, options) {
    var sender = state.sender;
    var greeting = options && options.greeting;
    var retry = Boolean(options && options.messageId);
    options = Object.assign({}, options, { messageId: (options && options.messageId) || newSenderId() });
    queue = queue.then(function () {
      if (sender !== state.sender) return null; /* queued before the patient started over */
      setTyping(true);
      return post(sender, message, options.messageId, retry).then(function (replies) {
        if (sender !== state.sender) return; /* the patient started over meanwhile */
        var first = null;
        var greeted = state.messages.some(function (m) { return m.kind === 'greeting'; });
        replies.map(function (m) { return cleanMessage(m); }).filter(Boolean).forEach(function (m) {
          m.role = 'bot';
          if (greeting && m.kind === 'greeting' && config.greeting) {
            if (greeted) return; /* the clinic's greeting is already shown (an earlier attempt failed) */
            m.text = config.greeting;
          }
          var node = addMessage(m);
          first = first || node;
        });
        if (first) reveal(first);
      }, function (error) {
        if (sender !== state.sender) return;
        if (greeting && config.greeting && !state.messages.length) {
          addMessage({ role: 'bot', text: config.greeting, buttons: [], sources: [], kind: 'greeting' });
        }
        var said = (error && error.replies || []).map(function (m) { return cleanMessage(m); }).filter(Boolean);
        said.forEach(function (m) { m.role = 'bot'; addMessage(m); });
        var text = errorText(error && error.code);
        var node = renderMessage({ role: 'bot', text: text, buttons: [], sources: [], kind: 'error' },
                                 error && error.code === 'too_long' ? null : { retry: message, options: options });
        reveal(node);
      }).finally(function () { setTyping(false); });
    });
    return queue;
  }

  function send(message, display) {
    var text = message.trim();
    if (!text) return;
    if (text.length > MAX_MESSAGE_CHARS) {
      reveal(renderMessage({ role: 'bot', text: errorText('too_long'), buttons: [], sources: [], kind: 'error' }));
      return;
    }
    addMessage({ role: 'user', text: display || text, buttons: [], sources: [], kind: 'message' });
    log.scrollTop = log.scrollHeight;
    deliver(text);
  }

  function greet() {
    deliver('/greet', { greeting: true });
  }

  /* ---------------------------------------------------------------- behaviour */

  function updateCounter() {
    counter.textContent = input.value.length + '/' + MAX_MESSAGE_CHARS;
    counter.classList.toggle('il2-counter--full', input.value.length >= MAX_MESSAGE_CHARS * 0.9);
    input.style.height = 'auto';
    input.style.height = Math.min(input.scrollHeight, 128) + 'px';
  }

  function openPanel(moveFocus) {
    panel.hidden = false;
    root.classList.add('il2--open');
    launcher.setAttribute('aria-expanded', 'true');
    state.open = true;
    saveState();
    if (!state.messages.length && pending === 0) greet();
    log.scrollTop = log.scrollHeight;
    if (moveFocus) input.focus();
  }

  function closePanel() {
    panel.hidden = true;
    root.classList.remove('il2--open');
    launcher.setAttribute('aria-expanded', 'false');
    state.open = false;
    saveState();
    launcher.focus();
  }

  launcher.addEventListener('click', function () {
    if (panel.hidden) openPanel(true); else closePanel();
  });
  closeButton.addEventListener('click', closePanel);
  panel.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') {
      event.preventDefault();
      closePanel();
    }
  });
  restartButton.addEventListener('click', function () {
    state = { sender: newSenderId(), messages: [], open: true };
    saveState();
    Array.prototype.slice.call(log.querySelectorAll('.il2-msg')).forEach(function (node) { node.remove(); });
    status.textContent = t.restarted;
    input.focus();
    greet();
  });
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var text = input.value;
    if (!text.trim()) return;
    input.value = '';
    updateCounter();
    send(text);
    input.focus();
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event('submit', { cancelable: true }));
    }
  });
  input.addEventListener('input', updateCounter);

  function mount() {
    document.body.appendChild(host);
    if (state.open) openPanel(false); /* kept open across pages of the site, without stealing focus */
  }
  if (document.body) mount(); else document.addEventListener('DOMContentLoaded', mount);
})();
