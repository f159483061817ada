// Observatoire, "Consulter" (R70): while an order is waiting or running, asks its status every
// 3 seconds and reloads the page once one has changed. Without JavaScript, the "Actualiser" link.
(function () {
  var link = document.getElementById('actualiser');
  if (!link || link.getAttribute('data-open') !== 'true' || !window.fetch) return;
  var url = link.getAttribute('data-status-url');
  var live = document.getElementById('etat-commandes');
  var seen = link.getAttribute('data-seen');
  var tries = 0;
  function poll() {
    tries += 1;
    if (tries > 400) return;
    fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body) return setTimeout(poll, 10000);
        var now = body.orders.map(function (o) { return o.id + ':' + o.status; }).join(',');
        if (now !== seen) {
          if (live) live.textContent = 'Une commande a changé d’état : la page se met à jour.';
          window.location.reload();
          return;
        }
        if (body.open) setTimeout(poll, 3000);
      })
      .catch(function () { setTimeout(poll, 10000); });
  }
  setTimeout(poll, 1500);
})();
