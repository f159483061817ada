/*
 * The main menu on narrow screens (progressive enhancement): a "Menu" button shows or hides it.
 * Without JavaScript the whole menu stays visible, stacked.
 */
(function () {
  var nav = document.querySelector('.main-nav');
  var list = nav && nav.querySelector('.main-nav__menus');
  if (!list) return;
  list.id = list.id || 'menu-principal';
  var button = document.createElement('button');
  button.type = 'button';
  button.className = 'main-nav__toggle';
  button.textContent = 'Menu';
  button.setAttribute('aria-controls', list.id);
  button.setAttribute('aria-expanded', 'false');
  nav.insertBefore(button, list);
  nav.classList.add('main-nav--collapsible');
  button.addEventListener('click', function () {
    var open = button.getAttribute('aria-expanded') === 'true';
    button.setAttribute('aria-expanded', String(!open));
    nav.classList.toggle('main-nav--open', !open);
  });
})();
