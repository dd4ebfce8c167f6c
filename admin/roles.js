// What each role may do, as the admin API's policy (src/admin-api/policy.ts) allows it. The API enforces it; the page
// only hides what a role cannot do. Providers and publishers act within their agency, requesters for their consumers.
let me = null;

export const setUser = (user) => { me = user; };
export const user = () => me;
const is = (...roles) => me !== null && roles.includes(me.role);
const ownAgency = (agency) => me?.agency !== undefined && agency === me.agency;

export const can = {
  /** Screens in the navigation. */
  see: {
    dashboard: () => me !== null,
    agencies: () => me !== null,
    users: () => is('administrator', 'supervisor'),
    connectors: () => is('administrator', 'supervisor', 'provider', 'publisher'),
    services: () => me !== null,
    console: () => me !== null,
    consumers: () => me !== null,
    subscriptions: () => me !== null,
    tracks: () => is('administrator', 'supervisor'),
    settings: () => is('administrator', 'supervisor'),
    profile: () => me !== null,
  },
  writeAgencies: () => is('administrator'),
  writeUsers: () => is('administrator'),
  /** Connectors, services and operations of an agency (undefined: of any agency the user may write). */
  writeConfig: (agency) => is('administrator') || (is('provider', 'publisher') && (agency === undefined || ownAgency(agency))),
  probeConnector: (agency) => can.writeConfig(agency),
  writeConsumers: (agency) => is('administrator') || (is('requester') && (agency === undefined || ownAgency(agency))),
  /** Ask for access (the workflow's request step). */
  request: () => is('administrator', 'requester'),
  /** Grant access directly (POST /subscriptions) and decide on requests: the owning agency. */
  decide: (agency) => is('administrator') || (is('provider', 'publisher') && (agency === undefined || ownAgency(agency))),
  rotateKey: (sub) => is('administrator') || (is('provider', 'publisher') && ownAgency(sub.agency)) ||
    (is('requester') && ownAgency(String(sub.consumer).split('/')[0])),
  appKey: (agency) => is('administrator') || (is('requester') && ownAgency(agency)),
  readTracks: () => is('administrator', 'supervisor'),
  subjectReport: () => is('administrator'),
  writeSettings: () => is('administrator'),
  resetUsers: () => is('administrator'),
};

/** The agencies a form may offer: every agency for administrators, else the user's own. */
export function agencyChoices(agencies) {
  return is('administrator', 'supervisor') ? agencies : agencies.filter((a) => a.slug === me?.agency);
}
