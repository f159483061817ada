/*
 * Review of habilitations (R39), progressive enhancement: choosing a domain or a coordination loads
 * the structure list at once, as the "Charger les structures" button does without JavaScript.
 */
(function () {
  var load = document.getElementById('charger-structures');
  if (!load || !load.form) return;
  ['domaine', 'coordination'].forEach(function (id) {
    var select = document.getElementById(id);
    if (!select) return;
    select.addEventListener('change', function () {
      var structure = document.getElementById('structure');
      if (structure) structure.value = '';
      if (load.form.requestSubmit) load.form.requestSubmit(load);
      else load.click();
    });
  });
})();
