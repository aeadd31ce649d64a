// Every view of the admin page by address. `nav` names the views in the page's navigation, in
// this order; the others are reached from them (an account's detail from the accounts table).
import { Overview } from './console/Overview.jsx';
import { Accounts } from './console/Accounts.jsx';
import { AccountDetail } from './console/AccountDetail.jsx';
import { Findings } from './console/Findings.jsx';
import { Exports } from './console/Exports.jsx';
import { Registry, RegisterForm } from './governance/Register.jsx';
import { Reviews } from './governance/Reviews.jsx';
import { WhatIf } from './governance/WhatIf.jsx';
import { Settings } from './governance/Settings.jsx';
import { Shadow } from './governance/Shadow.jsx';
import { Inbox } from './inbox/Inbox.jsx';
import { Requests } from './requests/Requests.jsx';

export const routes = [
  { path: '/', nav: 'Overview', view: Overview },
  { path: '/inbox', nav: 'Inbox', view: Inbox },
  { path: '/accounts', nav: 'Accounts', view: Accounts },
  { path: '/accounts/:id', view: AccountDetail, under: '/accounts' },
  { path: '/findings', nav: 'Findings', view: Findings },
  { path: '/findings/severity/:severity', view: Findings, under: '/findings' },
  { path: '/findings/rule/:rule', view: Findings, under: '/findings' },
  { path: '/reviews', nav: 'Reviews', view: Reviews },
  { path: '/registry', nav: 'Registry', view: Registry },
  { path: '/registry/new', view: RegisterForm, under: '/registry' },
  { path: '/registry/:id', view: RegisterForm, under: '/registry' },
  { path: '/what-if', nav: 'What-if', view: WhatIf },
  { path: '/shadow-bots', nav: 'Shadow bots', view: Shadow },
  { path: '/exports', nav: 'Exports', view: Exports },
  { path: '/requests', nav: 'Requests', view: Requests },
  { path: '/settings', nav: 'Settings', view: Settings },
];
