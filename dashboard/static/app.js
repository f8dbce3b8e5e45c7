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
