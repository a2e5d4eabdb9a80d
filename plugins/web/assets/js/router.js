// Hash routes ("#/instances/<id>"), so every page of the app is the one file /app and a
// reload or a shared link opens the same page.
export function currentRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [view = 'tasks', ...rest] = hash.split('/');
  return { view: view || 'tasks', argument: rest.map(decodeURIComponent).join('/') };
}

export function navigate(view, argument) {
  location.hash = argument ? `#/${view}/${encodeURIComponent(argument)}` : `#/${view}`;
}
