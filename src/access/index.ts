export * from './matrix'
export * from './roles'
export * from './staff'
