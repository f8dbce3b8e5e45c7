// duluan dashboard: small progressive enhancement. Everything works without this file.
// Loaded with `defer` from /static/app.js: the CSP allows no inline script or handlers.
(function () {
  'use strict';

  // Ask before submitting a form that carries data-confirm (e.g. dismissing an item).
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var message = form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // Files over the form's limits (data-max-files, data-max-bytes, data-max-total on the input) are
  // refused here, before a long upload the server would refuse whole, losing what was typed.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
    var inputs = form.querySelectorAll('input[type=file][data-over-limit]');
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      var files = input.files || [];
      var total = 0;
      var tooBig = false;
      for (var k = 0; k < files.length; k++) {
        total += files[k].size;
        if (files[k].size > Number(input.getAttribute('data-max-bytes'))) tooBig = true;
      }
      if (files.length > Number(input.getAttribute('data-max-files')) || tooBig || total > Number(input.getAttribute('data-max-total'))) {
        event.preventDefault();
        var note = form.querySelector('[data-file-limit-note]');
        if (!note) {
          note = document.createElement('p');
          note.className = 'field-error';
          note.setAttribute('role', 'alert');
          note.setAttribute('data-file-limit-note', '');
          input.insertAdjacentElement('afterend', note);
        }
        note.textContent = input.getAttribute('data-over-limit');
        input.setAttribute('aria-invalid', 'true');
        input.focus();
        return;
      }
    }
  });

  // One submission per form: once a POST form is on its way (confirmed, within its file limits), its
  // submit buttons are disabled, so a double click or a second Enter does not record it twice. The
  // button pressed still sends its name and value (a disabled button would not), through a hidden copy.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || event.defaultPrevented) return;
    if ((form.getAttribute('method') || '').toLowerCase() !== 'post') return;
    if (form.hasAttribute('data-submitting')) {
      event.preventDefault();
      return;
    }
    form.setAttribute('data-submitting', '');
    var submitter = event.submitter;
    if (submitter && submitter.name) {
      var copy = document.createElement('input');
      copy.type = 'hidden';
      copy.name = submitter.name;
      copy.value = submitter.value;
      copy.setAttribute('data-submitter-copy', '');
      form.appendChild(copy);
    }
    var buttons = form.querySelectorAll('button:not([type]), button[type=submit], input[type=submit], input[type=image]');
    for (var i = 0; i < buttons.length; i++) {
      if (buttons[i].disabled) continue;
      buttons[i].disabled = true;
      buttons[i].setAttribute('data-submit-disabled', '');
    }
  });

  // Back to a page kept in the browser's cache: its forms can be sent again.
  window.addEventListener('pageshow', function (event) {
    if (!event.persisted) return;
    var forms = document.querySelectorAll('form[data-submitting]');
    for (var i = 0; i < forms.length; i++) {
      forms[i].removeAttribute('data-submitting');
      var copies = forms[i].querySelectorAll('[data-submitter-copy]');
      for (var k = 0; k < copies.length; k++) copies[k].remove();
      var buttons = forms[i].querySelectorAll('[data-submit-disabled]');
      for (var j = 0; j < buttons.length; j++) {
        buttons[j].disabled = false;
        buttons[j].removeAttribute('data-submit-disabled');
      }
    }
  });

  // Keyboard triage in the queue: j / k move between rows, x selects the current row for the
  // bulk form, Enter opens the current row.
  var rows = Array.prototype.slice.call(document.querySelectorAll('tr[data-row]'));
  if (rows.length === 0) return;
  var current = -1;

  function select(index) {
    if (index < 0 || index >= rows.length) return;
    if (current >= 0) {
      rows[current].classList.remove('is-current');
      rows[current].removeAttribute('aria-current');
    }
    current = index;
    var row = rows[current];
    row.classList.add('is-current');
    row.setAttribute('aria-current', 'true');
    row.scrollIntoView({ block: 'nearest' });
    var link = row.querySelector('a.item-link');
    if (link) link.focus({ preventScroll: true });
  }

  function isTyping(target) {
    if (!(target instanceof HTMLElement)) return false;
    var tag = target.tagName;
    return tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA' || target.isContentEditable;
  }

  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
    if (event.key === 'j') {
      event.preventDefault();
      select(current < 0 ? 0 : current + 1);
    } else if (event.key === 'k') {
      event.preventDefault();
      select(current < 0 ? 0 : current - 1);
    } else if (event.key === 'x' && current >= 0) {
      var box = rows[current].querySelector('input[data-row-select]');
      if (box) {
        event.preventDefault();
        box.checked = !box.checked;
      }
    } else if (event.key === 'Enter' && current >= 0 && document.activeElement === document.body) {
      // A focused link already opens on Enter by itself; this covers focus lost to the page.
      var href = rows[current].getAttribute('data-href');
      if (href && href.charAt(0) === '/') window.location.assign(href);
    }
  });
})();
