// ESLint flat config: typescript-eslint's recommended type-aware rules (they read the types tsc
// infers, through the two tsconfigs), React's rules of hooks, and prettier owns formatting.
import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    // The generated API types (make api-types) are openapi-typescript's output, not ours.
    ignores: [
      'labextension/lib/**',
      'labextension/src/api/schema.d.ts',
      'jupyter_mlops/labextension/**',
      'node_modules/**'
    ]
  },
  js.configs.recommended,
  prettier,
  {
    files: ['labextension/**/*.ts', 'labextension/**/*.tsx'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.json', './tsconfig.test.json'],
        tsconfigRootDir: import.meta.dirname
      }
    }
  },
  {
    files: ['labextension/src/**/*.ts', 'labextension/src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      // Off: the props interfaces declare callbacks in method shorthand (`onOpen(run): void`)
      // and Lumino's `signal.connect(fn, thisArg)` binds `this` itself; neither is unbound.
      '@typescript-eslint/unbound-method': 'off',
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { args: 'none' }],
      curly: ['error', 'all'],
      eqeqeq: 'error',
      'prefer-arrow-callback': 'error'
    }
  },
  {
    // node:test's `describe`/`it` return promises its runner awaits itself.
    files: ['labextension/test/**/*.ts'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' }
  },
  {
    files: ['labextension/style/**/*.js'],
    extends: [tseslint.configs.disableTypeChecked]
  }
);
