export * from './fake-server';
export * from './fake-tools';
export * from './openai.fake';
export * from './anthropic.fake';
export * from './gemini.fake';
export * from './mistral.fake';
export * from './faults';
