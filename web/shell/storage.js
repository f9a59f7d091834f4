// The host's IndexedDB (the host origin's; frames have an opaque origin and none):
//   items: a mini program's storage, one record per key, keyed [user, appid, key], so a
//          launch reads exactly that user's storage of that app and nothing else;
//   kv:    the host's own per-user state (recent apps, chats, authorisations), keyed
//          [user, name].
// docs/container.md, "Trust boundaries".

const DB_NAME = 'openmini-shell';
const VERSION = 1;
let opening = null;

function open() {
  if (!opening) {
    opening = new Promise((resolve, reject) => {
      const req = indexedDB.open(DB_NAME, VERSION);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains('items')) db.createObjectStore('items');
        if (!db.objectStoreNames.contains('kv')) db.createObjectStore('kv');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('IndexedDB is blocked by another tab'));
    });
  }
  return opening;
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error('transaction aborted'));
  });
}

function result(req) {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Every key of (user, appid): from [u, a, ''] up to [u, a, []] (arrays sort after strings). */
function appRange(user, appid) {
  return IDBKeyRange.bound([Number(user), String(appid), ''], [Number(user), String(appid), []]);
}

/** The storage snapshot of `appid` for `user`: {key: encoded string}. */
export async function loadAppStorage(user, appid) {
  const db = await open();
  const tx = db.transaction('items', 'readonly');
  const store = tx.objectStore('items');
  const range = appRange(user, appid);
  const [keys, values] = await Promise.all([result(store.getAllKeys(range)), result(store.getAll(range))]);
  const out = {};
  keys.forEach((k, i) => {
    if (typeof values[i] === 'string') out[k[2]] = values[i];
  });
  return out;
}

/** One `$storage` change: set (value: the encoded string), remove, clear. */
export async function changeAppStorage(user, appid, op, key, value) {
  const db = await open();
  const tx = db.transaction('items', 'readwrite');
  const store = tx.objectStore('items');
  if (op === 'set') store.put(String(value), [Number(user), String(appid), String(key)]);
  else if (op === 'remove') store.delete([Number(user), String(appid), String(key)]);
  else if (op === 'clear') store.delete(appRange(user, appid));
  else throw new Error('unknown storage op ' + op);
  return done(tx);
}

/** Removes a user's storage of one app (the settings' "clear data"). */
export function clearAppStorage(user, appid) {
  return changeAppStorage(user, appid, 'clear');
}

/** The host's own value `name` for `user` (undefined if none). */
export async function getKv(user, name) {
  const db = await open();
  return result(db.transaction('kv', 'readonly').objectStore('kv').get([Number(user), String(name)]));
}

export async function setKv(user, name, value) {
  const db = await open();
  const tx = db.transaction('kv', 'readwrite');
  tx.objectStore('kv').put(value, [Number(user), String(name)]);
  return done(tx);
}

/** Reads, changes and writes `name` in one transaction: `fn(old) → new`. */
export async function updateKv(user, name, fn) {
  const db = await open();
  const tx = db.transaction('kv', 'readwrite');
  const store = tx.objectStore('kv');
  const key = [Number(user), String(name)];
  let out;
  const old = await result(store.get(key));
  out = fn(old);
  store.put(out, key);
  await done(tx);
  return out;
}
