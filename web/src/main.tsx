import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { deskOptions, logout, me as fetchMe, setSessionLostHandler, type DeskOptions } from './api';
import { setDistrictZone } from './ui';
import { parseRoute, safeNext, type Me, type Route } from './logic';
import { Login } from './login';
import { Desk } from './desk';
import { Repairs, WorkOrderPage, RepairSlip } from './repairs';
import { Loans, Receipt } from './loans';
import { Sources } from './sources';
import { Audits, AuditPage } from './audits';
import { CollectionPage, CollectMode, ReturnReceipt } from './collections';
import { Fees } from './fees';
import { Planning } from './planning';
import './styles.css';

// The screens in the navigation; collection campaigns live under Audits.
const NAV: Array<{ href: string; text: string; screens: Route['screen'][] }> = [
  { href: '#/desk', text: 'Desk', screens: ['desk', 'device', 'person'] },
  { href: '#/repairs', text: 'Repairs', screens: ['repairs', 'work-order', 'slip'] },
  { href: '#/loans', text: 'Loans', screens: ['loans', 'receipt'] },
  { href: '#/audits', text: 'Audits', screens: ['audits', 'audit', 'collection', 'collect', 'return-receipt'] },
  { href: '#/fees', text: 'Fees', screens: ['fees'] },
  { href: '#/planning', text: 'Planning', screens: ['planning'] },
  { href: '#/sources', text: 'Sources', screens: ['sources'] },
];

const TITLES: Record<Route['screen'], string> = {
  desk: 'Desk',
  device: 'Device',
  person: 'Person',
  repairs: 'Repairs',
  'work-order': 'Work order',
  slip: 'Repair slip',
  loans: 'Loans',
  receipt: 'Checkout receipt',
  planning: 'Planning',
  sources: 'Sources',
  audits: 'Audits',
  audit: 'Audit',
  collection: 'Collection campaign',
  collect: 'Collecting',
  'return-receipt': 'Return receipt',
  fees: 'Fees',
};

function goToLogin() {
  const next = location.pathname === '/login' ? new URLSearchParams(location.search).get('next') : location.hash;
  location.assign('/login?next=' + encodeURIComponent(safeNext(next)));
}

function App() {
  const [user, setUser] = useState<Me | null | undefined>(undefined);
  const [options, setOptions] = useState<DeskOptions>({ oidc: false, timezone: '' });
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  const onLogin = location.pathname === '/login';

  useEffect(() => {
    setSessionLostHandler(goToLogin);
    // The zone is set before the first screen renders a time, so nothing is shown in the wrong zone.
    Promise.all([fetchMe(), deskOptions()]).then(
      ([m, o]) => {
        setDistrictZone(o.timezone);
        setOptions(o);
        setUser(m);
        if (!m && !onLogin) goToLogin();
        if (m && onLogin) location.replace('/' + safeNext(new URLSearchParams(location.search).get('next')));
      },
      () => setUser(null),
    );
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    document.title = `${onLogin ? 'Sign in' : TITLES[route.screen]} · fleetkeep`;
  }, [route, onLogin]);

  if (onLogin) {
    return (
      <Login
        onSignedIn={() => location.replace('/' + safeNext(new URLSearchParams(location.search).get('next')))}
        ready={user === null}
        oidc={options.oidc}
      />
    );
  }
  if (!user) {
    return (
      <main class="boot" id="main">
        <p role="status">Loading fleetkeep…</p>
      </main>
    );
  }

  const signOut = async () => {
    await logout().catch(() => undefined);
    location.assign('/login');
  };
  const printOnly = route.screen === 'slip' || route.screen === 'receipt' || route.screen === 'return-receipt';

  return (
    <div class={'shell' + (printOnly ? ' print-view' : '')}>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/desk" aria-label="fleetkeep home">
          <span class="logo" aria-hidden="true">fk</span> fleetkeep
        </a>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.href}>
                <a href={n.href} aria-current={n.screens.includes(route.screen) ? 'page' : undefined}>
                  {n.text}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="who">
          <span class="who-name">
            {user.name} <span class="who-role">{user.role}{user.scopes?.length ? ' · ' + user.scopes.join(', ') : ''}</span>
          </span>
          <button type="button" class="ghost" onClick={signOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Screen route={route} user={user} />
      </main>
    </div>
  );
}

function Screen({ route, user }: { route: Route; user: Me }) {
  switch (route.screen) {
    case 'desk':
    case 'device':
    case 'person':
      return <Desk route={route} user={user} />;
    case 'repairs':
      return <Repairs user={user} />;
    case 'work-order':
      return <WorkOrderPage id={route.id} user={user} />;
    case 'slip':
      return <RepairSlip id={route.id} />;
    case 'loans':
      return <Loans tab={route.tab} user={user} />;
    case 'receipt':
      return <Receipt id={route.id} />;
    case 'planning':
      return <Planning />;
    case 'sources':
      return <Sources user={user} />;
    case 'audits':
      return <Audits user={user} />;
    case 'audit':
      return <AuditPage id={route.id} user={user} />;
    case 'collection':
      return <CollectionPage id={route.id} user={user} />;
    case 'collect':
      return <CollectMode id={route.id} user={user} />;
    case 'return-receipt':
      return <ReturnReceipt id={route.id} checkout={route.checkout} />;
    case 'fees':
      return <Fees user={user} />;
  }
}

// "/" anywhere outside a text field goes to the scan box (on the desk).
document.addEventListener('keydown', (e) => {
  if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
  const t = e.target as HTMLElement;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable)) return;
  e.preventDefault();
  const box = document.getElementById('scan') as HTMLInputElement | null;
  if (box) {
    box.focus();
    box.select();
  } else {
    location.hash = '#/desk';
  }
});

render(<App />, document.getElementById('app')!);
