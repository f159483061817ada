/* Registers the proof-of-work worker of the anti-robot widget, served from our own origin (strict CSP). */
(function () {
  var script = document.currentScript;
  var worker = script && script.getAttribute('data-worker');
  var altcha = window.$altcha;
  if (!worker || !altcha || !altcha.algorithms) return;
  ['PBKDF2/SHA-256', 'PBKDF2/SHA-384', 'PBKDF2/SHA-512'].forEach(function (algorithm) {
    altcha.algorithms.set(algorithm, function () {
      return new Worker(worker);
    });
  });
})();
