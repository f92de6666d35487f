export { createFakeMongo, NOT_WRITABLE_PRIMARY, type FakeMongo, type FakeMongoOptions, type InjectedError } from './mongo/fake.js';
